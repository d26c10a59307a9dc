# The two commands of the README. Each one creates the Python environment on first use.
.PHONY: demo test notebooks release

demo:      ## release + autograde of the example class + feedback + export + marks table
	scripts/in-venv python -m coursetools demo

test:      ## the whole test suite
	scripts/in-venv python -m pytest

notebooks: ## rebuild source/lab2/*.ipynb from their text twins in notebooks/
	scripts/in-venv python -m coursetools notebooks

release:   ## regenerate release/lab2 from source/lab2
	scripts/in-venv python -m coursetools release
