# The two commands of the README: `make run` and `make test`. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test lint typecheck unit bench bench-quick bench-matching bench-packs bench-pdfs schema reference messages golden setup system clean

run: setup
	$(BIN)/mentorkit build

test: setup lint typecheck unit

lint: setup
	$(BIN)/ruff check generator tests benchmarks scripts
	$(BIN)/ruff format --check generator tests benchmarks scripts

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest

bench: setup
	$(BIN)/python -m benchmarks

# The issue 15 goals only: matching 10,000 and 100,000 people (about 5 minutes).
bench-matching: setup
	$(BIN)/python -m benchmarks --matching

# The pair packs only (issue 10), 200 pairs on the PDF workers: about a minute.
bench-packs: setup
	$(BIN)/python -m benchmarks --packs

# Issue 14's goal 4 only: a 100-topic library's PDFs on the pool, on Dask twice, on the
# pool again (about 6 minutes on a quiet machine; make bench does it at 500 topics).
bench-pdfs: setup
	$(BIN)/python -m benchmarks --pdfs --pdf-topics 100

# The issue 14 goals at 300 topics only: a few minutes instead of about fifteen.
bench-quick: setup
	$(BIN)/python -m benchmarks --quick

schema: setup
	$(BIN)/mentorkit schema --out dist/schema

# After changing a model: write the format reference (docs/format.md) again.
reference: setup
	$(BIN)/python -c "from generator.reference import reference; import pathlib; pathlib.Path('docs/format.md').write_text(reference(), encoding='utf-8')"

# After changing a text in a template: re-extract it and update every catalog.
messages: setup
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output \
		--project mentorkit --copyright-holder "the mentorkit developers" \
		-o templates/locale/messages.pot .
	$(BIN)/pybabel update --no-wrap -i templates/locale/messages.pot -d templates/locale

# After an intended change to the output: regenerate the golden files, then read the diff.
golden: setup
	UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_golden.py

setup: system $(STAMP) $(AXE)

# Packages from outside Python (Pango and HarfBuzz for WeasyPrint, poppler for the
# tests, Chromium and npm for the browser test): installed when missing and possible,
# otherwise reported with what to do.
system:
	@$(PYTHON) scripts/system-deps.py

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# axe-core, the accessibility checker tests/test_browser.py injects into each page:
# the version in package-lock.json, into node_modules/ (git-ignored).
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "WARNING: npm is missing, so axe-core is not installed: the browser test will fail" >&2; fi

clean:
	rm -rf dist .pytest_cache .mypy_cache .ruff_cache
