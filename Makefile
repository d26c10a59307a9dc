# The two commands of the README. Each one creates the Python environment on first use.
.PHONY: demo test notebooks release

demo:      ## release + collect + autograde of the example class + feedback + export + report
	scripts/system-packages
	scripts/in-venv python -m coursetools demo

test:      ## the whole test suite
	scripts/system-packages --tests
	scripts/in-venv python -m pytest

notebooks: ## rebuild source/lab2/*.ipynb from their text twins in notebooks/
	scripts/in-venv python -m coursetools notebooks

release:   ## regenerate release/lab2 from source/lab2
	scripts/in-venv python -m coursetools release
