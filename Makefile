# Tauride — two commands matter: `make demo` and `make test`.
# Everything else is installed on demand: uv into .tools/, the project into .venv/.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
RUN := $(UV) run --frozen --no-sync
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# Every test worker and every `tauride` a test starts imports the whole stack: compiled once
# into __pycache__, not again in each process.
unexport PYTHONDONTWRITEBYTECODE

DEMO_DB ?= sqlite:///./tauride.db
DEMO_EXAMPLE ?= petrograd-1917

LOCALE_DIR := src/tauride/web/locale
LANGS ?= ru de

.PHONY: messages help install demo test lint typecheck architecture migrations-check unit integration clean bench

help:
	@echo "make demo    install, migrate a SQLite database, load the $(DEMO_EXAMPLE) example, serve it"
	@echo "make test    install what is missing and run every check and test suite"
	@echo "make bench   run the benchmarks and print their figures"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --all-groups --python $(PYTHON)
	touch $@

# System packages from Debian: Chromium for the browser tests, Pango and fonts for the PDF
# minutes (WeasyPrint), poppler-utils to read PDFs back in tests. Installed when missing.
SYSTEM_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-dejavu-core fonts-noto-core poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.system-packages: Makefile
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:" $$missing; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
	touch $@

install: .venv/.synced .system-packages

demo: install
	TAURIDE_DATABASE_URL=$(DEMO_DB) $(RUN) tauride db upgrade
	TAURIDE_DATABASE_URL=$(DEMO_DB) $(RUN) tauride init --example $(DEMO_EXAMPLE) --if-missing >/dev/null
	TAURIDE_DATABASE_URL=$(DEMO_DB) $(RUN) tauride org show $(DEMO_EXAMPLE)
	TAURIDE_DATABASE_URL=$(DEMO_DB) $(RUN) tauride demo prepare $(DEMO_EXAMPLE)
	@echo 'Serving on http://127.0.0.1:8000 (pages at /, API under /api/v1, documentation at /docs); Ctrl-C stops.'
	TAURIDE_DATABASE_URL=$(DEMO_DB) $(RUN) tauride serve --host 127.0.0.1 --port 8000

lint: install
	$(RUN) ruff format --check src tests bench
	$(RUN) ruff check src tests bench

typecheck: install
	$(RUN) mypy

architecture: install
	$(RUN) lint-imports

migrations-check: install
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  TAURIDE_DATABASE_URL="sqlite:///$$tmp/check.db" $(RUN) tauride db upgrade && \
	  TAURIDE_DATABASE_URL="sqlite:///$$tmp/check.db" $(RUN) alembic check

# pytest exits 5 when it collected nothing: that must never count as a pass.
test: lint typecheck architecture migrations-check
	rc=0; $(RUN) pytest -n auto --dist loadfile --cov --cov-report=term -p no:cacheprovider || rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

unit: install
	$(RUN) pytest tests/unit -q

integration: install
	$(RUN) pytest tests/integration -q

bench: install
	$(RUN) python bench/run.py

# Extract the pages' strings and add new ones to every catalog (then translate them).
messages: install
	$(RUN) pybabel extract -F babel.cfg --no-location --sort-output --omit-header --width=100 \
	  -k _ -k gettext -k ngettext:1,2 -o $(LOCALE_DIR)/messages.pot .
	for lang in $(LANGS); do \
	  if [ -f $(LOCALE_DIR)/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(RUN) pybabel update --no-fuzzy-matching --width=100 -i $(LOCALE_DIR)/messages.pot \
	      -d $(LOCALE_DIR) -D messages -l $$lang; \
	  else \
	    $(RUN) pybabel init -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages -l $$lang; \
	  fi; \
	  sed -i '/^"Report-Msgid-Bugs-To: EMAIL@ADDRESS/d' $(LOCALE_DIR)/$$lang/LC_MESSAGES/messages.po; \
	done

clean:
	rm -f .system-packages
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage htmlcov
