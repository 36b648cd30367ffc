# One task runner for people and CI. `make demo` and `make test` are the README's two commands.
PYTHON ?= python3
PIP = PIP_ROOT_USER_ACTION=ignore $(PYTHON) -m pip --disable-pip-version-check -q

.PHONY: install install-test demo test lint typecheck pytest bench

install:
	$(PIP) install -e .

install-test:
	$(PIP) install -e '.[test]'

demo: install
	$(PYTHON) -m setori demo

lint:
	$(PYTHON) -m ruff check setori tests bench
	$(PYTHON) -m ruff format --check setori tests bench

typecheck:
	$(PYTHON) -m mypy

pytest:
	$(PYTHON) -m pytest -q

test: install-test lint typecheck pytest

bench: install-test
	$(PYTHON) bench/bench_decode.py
	$(PYTHON) bench/bench_segment.py
	$(PYTHON) bench/bench_ingest.py
