# Tagasivaade. `make run` serves the app locally; `make test` installs what the tests need and runs them all.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
PYTEST := $(VENV)/bin/pytest -p no:cacheprovider

# What the tests need from Debian: a database server, a browser, PDF text extraction, gettext, fonts.
DEBIAN_TEST_PACKAGES := postgresql chromium poppler-utils gettext libharfbuzz-subset0 fonts-dejavu-core

.PHONY: help run test lint check-migrations check-messages test-postgres test-sqlite bench \
	venv venv-dev system-packages node-packages messages

help:
	@echo "make run    - set up .venv, the database and demo data, and serve http://127.0.0.1:8000"
	@echo "make test   - install what the tests need, lint, and run the whole suite (PostgreSQL + SQLite)"
	@echo "make lint   - ruff and mypy only"
	@echo "make bench  - run the benchmarks in bench/ and print their numbers"

# --- environments ------------------------------------------------------------------------------------------

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

venv: $(VENV)/.runtime-installed

venv-dev: $(VENV)/.dev-installed

system-packages:
	scripts/debian-packages.sh $(DEBIAN_TEST_PACKAGES)
	command -v npm >/dev/null || scripts/debian-packages.sh npm

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-packages: node_modules/.package-lock.json

# Compiles the catalogues only when a .po is newer than its .mo (and msgfmt is there to do it).
messages: venv
	@stale=0; for po in locale/*/LC_MESSAGES/*.po; do \
		[ -e "$$po" ] || continue; \
		mo="$${po%.po}.mo"; \
		if [ ! -e "$$mo" ] || [ "$$po" -nt "$$mo" ]; then stale=1; fi; \
	done; \
	if [ "$$stale" = 1 ]; then \
		if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules; \
		else echo "msgfmt not found: using the committed .mo files"; fi; \
	fi

# --- run ---------------------------------------------------------------------------------------------------

run: venv messages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_method
	$(PY) manage.py load_demo
	scripts/run-local.sh

# --- test --------------------------------------------------------------------------------------------------

test: system-packages venv-dev node-packages lint check-migrations check-messages test-postgres test-sqlite
	@echo "make test: all checks passed"

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

check-migrations: venv-dev
	$(PY) manage.py makemigrations --check --dry-run

check-messages: venv-dev system-packages
	$(PY) scripts/check_messages.py

# The whole suite (browser and fuzz tests included) against a throwaway PostgreSQL.
test-postgres: venv-dev system-packages node-packages
	DJANGO_ALLOW_ASYNC_UNSAFE=true scripts/with-postgres.sh $(PYTEST) -q

# The unit and view tests once more on SQLite, the local default.
test-sqlite: venv-dev
	env -u DATABASE_URL $(PYTEST) -q -m "not browser and not fuzz"

# --- bench -------------------------------------------------------------------------------------------------

bench: venv-dev
	@set -e; found=0; for bench in bench/bench_*.py; do \
		[ -e "$$bench" ] || continue; found=1; \
		echo "== $$bench"; $(PY) "$$bench"; \
	done; \
	if [ "$$found" = 0 ]; then echo "No benchmarks found in bench/" >&2; exit 1; fi
