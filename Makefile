# One task runner for people and CI. `make demo` and `make test` are the README's two commands.
PYTHON ?= python3
PIP = PIP_ROOT_USER_ACTION=ignore $(PYTHON) -m pip --disable-pip-version-check -q

.PHONY: install install-test system-deps check-postgres demo test test-fast lint typecheck pytest bench lock

# Installs are pinned by constraints.txt (every dependency of '.[test]', exact versions).
install: system-deps
	$(PIP) install -c constraints.txt -e .

# Debian packages reports need: Noto CJK fonts (Latin, Hangul, Japanese in PDFs), Pango and
# HarfBuzz's subsetter (WeasyPrint: without it a PDF takes ~25 s instead of ~3 s) and
# poppler-utils (pdftoppm / pdftotext, which the report tests use). Installed only when
# missing, as root (the project's machines and CI); as another user it says what to install.
DEBIAN_PACKAGES = fonts-noto-cjk fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" != 0 ]; then \
	  echo "missing Debian packages (reports need them; run as root):$$missing"; \
	elif [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# The workspace tests run on the real PostgreSQL too (tests/conftest.py: workspace_url).
check-postgres:
	@$(PYTHON) -c "$$PG_CHECK"

install-test: system-deps
	$(PIP) install -c constraints.txt -e '.[test]'

# Refresh constraints.txt: pip resolves '.[test]' afresh (newest allowed versions, nothing
# installed), and every distribution it would install except setori is pinned. Then run
# `make test` and commit constraints.txt (docs/development.md).
lock:
	$(PIP) install --dry-run --ignore-installed --report .lock-report.json -e '.[test]'
	$(PYTHON) -c "$$LOCK_PY" .lock-report.json constraints.txt
	rm -f .lock-report.json

# The demo ingests the real samples of ../shared/data when it is beside the checkout (an
# explicit setting: setori itself never searches for it), else the sample in the package.
SHARED_DATA ?= $(wildcard $(CURDIR)/../shared/data)
demo: install
	SETORI_SHARED_DATA=$(SHARED_DATA) $(PYTHON) -m setori demo

lint:
	$(PYTHON) -m ruff check setori tests bench tools
	$(PYTHON) -m ruff format --check setori tests bench tools

typecheck:
	$(PYTHON) -m mypy

pytest:
	$(PYTHON) -m pytest -q

# The fast tier: every test not marked slow (under a minute on the 2-core dev machine).
# It does not reinstall: run `make install-test` once first.
test-fast:
	$(PYTHON) -m pytest -q -m "not slow"

test: install-test check-postgres lint typecheck pytest

# Every script in bench/ (helpers start with _); each prints a Markdown block for
# bench/RESULTS.md. `make bench BENCH_ARGS=--quick` is a smoke run.
bench: install-test
	set -e; for script in bench/[!_]*.py; do echo "== $$script"; $(PYTHON) $$script $(BENCH_ARGS); done

# Writes constraints.txt from pip's installation report (argv: report, output).
define LOCK_PY
import json, re, sys
report = json.load(open(sys.argv[1]))
pins = sorted(
    (re.sub("[-_.]+", "-", i["metadata"]["name"]).lower(), i["metadata"]["version"])
    for i in report["install"]
)
head = [line for line in open(sys.argv[2]) if line.startswith("#")]
body = [f"{name}=={version}\n" for name, version in pins if name != "setori"]
open(sys.argv[2], "w").write("".join(head + body))
endef
export LOCK_PY

# Fails with one clear message when the PostgreSQL the workspace tests use does not answer.
define PG_CHECK
import os, sys
import psycopg
url = os.environ.get("SETORI_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
url = url.replace("postgresql+psycopg://", "postgresql://")
try:
    psycopg.connect(url, connect_timeout=5).close()
except psycopg.Error as exc:
    sys.exit(f"PostgreSQL does not answer at {url} (the workspace tests need it; "
             f"set SETORI_TEST_POSTGRES to another URL): {exc}")
endef
export PG_CHECK
