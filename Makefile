# The two commands of the README: `make run` and `make test`. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench schema setup system clean

run: setup
	$(BIN)/mentorkit build

test: setup lint typecheck unit

lint: setup
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/ruff format --check generator tests benchmarks

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest

bench: setup
	$(BIN)/python -m benchmarks

schema: setup
	$(BIN)/mentorkit schema --out dist/schema

setup: system $(STAMP)

# Libraries from outside Python (Pango and HarfBuzz for WeasyPrint, poppler for the
# tests): installed when missing and possible, otherwise reported with what to do.
system:
	@$(PYTHON) scripts/system-deps.py

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

clean:
	rm -rf dist .pytest_cache .mypy_cache .ruff_cache
