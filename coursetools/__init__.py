"""Instructor-side tools for Lab 2: notebook building, release, example class, grading.

Nothing here ships to students (the release carries only ``cnnlab``).
"""
