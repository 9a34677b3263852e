# The two commands: `make run` serves the demo fair, `make test` passes every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# Test worker processes (pytest-xdist); a test file stays in one worker (--dist loadgroup,
# each file its own group: tests/conftest.py) so its module fixtures (a served demo fair,
# a browser) start once, and the files that time real media share one group, so they
# never run side by side. 0 runs serially. The 15 slowest steps are listed at the end:
# CI's budget for the whole run is 15 minutes.
PYTEST_WORKERS ?= 3

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "livefair needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(PIP) --editable .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(PIP) --editable '.[dev]'
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(BIN)/livefair serve --demo

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy server signaling scheduler

pytest: $(VENV)/.dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=15

test: lint typecheck pytest

bench: $(VENV)/.dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var artifacts
