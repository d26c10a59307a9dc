"""Grading: the protections every way into nbgrader goes through.

``chain`` configures nbgrader's own autograde chain (called by the course's
``nbgrader_config.py``), ``preprocessors`` holds the course's steps in that
chain, ``limits`` the numbers that bound one notebook.
"""
