# Quick start: `make demo` installs the runtime only and renders the example edition;
# `make test` installs the test and docs tools too (Chromium, axe-core, MkDocs) and runs the
# whole test suite (on every core), `make test-fast` the fast lane: everything but the
# browser, SMTP and slow (PDF, fresh-process) tests.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup setup-runtime demo test test-fast lint golden docs bench clean

setup:
	bash scripts/setup.sh

setup-runtime:
	bash scripts/setup.sh --runtime

demo: setup-runtime
	$(VENV)/bin/weekly render --cutoff latest
	@echo "open output/$$(ls inputs | grep -E '^[0-9]{4}-' | sort | tail -1)/ to read it"

test: setup
	$(PY) -m pytest -n auto --dist worksteal

test-fast:
	$(PY) -m pytest -n auto --dist worksteal -m "not browser and not smtp and not slow"

lint:
	$(VENV)/bin/ruff check
	$(VENV)/bin/ruff format --check
	$(VENV)/bin/mypy

golden:
	WEEKLY_REGENERATE_GOLDEN=1 $(PY) -m pytest tests/test_golden.py

docs: setup
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict
	@echo "open site/index.html to read it"

bench:
	$(PY) bench/run.py

clean:
	rm -rf output site .pytest_cache .mypy_cache .ruff_cache
