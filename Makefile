# FORGE secretariat app. `make run` to try it, `make test` for the whole check; `make help` lists all.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV ?= .venv
BIN := $(VENV)/bin
# Stamp files: pip runs again only when the pinned requirements change.
RUN_STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-requirements-dev
VAR_DIR := $(or $(FORGE_VAR_DIR),var)
ADDR ?= 127.0.0.1:8000

.PHONY: help install install-dev setup run test test-shifted lint fmt bench requirements messages screenshots clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on PATH)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' || \
		{ echo "Python >= 3.11 is needed; $(PYTHON) is older"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(BIN)/python
	scripts/system-deps.sh run
	$(BIN)/python -m pip install -q -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements-dev.txt requirements.txt | $(BIN)/python
	scripts/system-deps.sh test
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	@touch $@ $(RUN_STAMP)

install: $(RUN_STAMP) ## create .venv with the runtime requirements

install-dev: $(DEV_STAMP) ## create .venv with the runtime and dev requirements

setup: $(RUN_STAMP) ## create var/, migrate, load the reference and demo data (idempotent)
	mkdir -p $(VAR_DIR)/celery/broker $(VAR_DIR)/celery/processed $(VAR_DIR)/media $(VAR_DIR)/mail $(VAR_DIR)/static
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var
	$(BIN)/python manage.py load_reference
	$(BIN)/python manage.py load_demo

run: setup ## run web (http://127.0.0.1:8000; ADDR=host:port), Celery worker + beat; Ctrl-C stops all
	exec $(BIN)/python scripts/run.py --addr $(ADDR)

test: $(DEV_STAMP) ## lint, checks and the suite on throwaway PostgreSQL+Redis, then on SQLite
	scripts/system-deps.sh test
	scripts/test.sh

test-shifted: $(DEV_STAMP) ## the same with every process's clock a year ahead (libfaketime)
	scripts/system-deps.sh test
	FORGE_TEST_FAKETIME=+365d scripts/test.sh

lint: $(DEV_STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(DEV_STAMP) ## fix what ruff can fix and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(DEV_STAMP) ## run every bench/*.py
	@shopt -s nullglob; files=(bench/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "no benchmarks under bench/"; exit 0; fi; \
	for f in "$${files[@]}"; do echo "==> $$f"; $(BIN)/python "$$f" || exit $$?; done

requirements: | $(BIN)/python ## re-pin requirements*.txt from requirements*.in (pip-compile)
	$(BIN)/python -m pip install -q pip-tools
	CUSTOM_COMPILE_COMMAND="make requirements" $(BIN)/pip-compile -q --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	CUSTOM_COMPILE_COMMAND="make requirements" $(BIN)/pip-compile -q --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

messages: | $(BIN)/python ## bring the Korean catalogue up to date with the code (then translate what is new)
	$(BIN)/python manage.py makemessages -l ko --no-location --no-obsolete \
		--ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=examples \
		--ignore=static --ignore=staticfiles

screenshots: $(DEV_STAMP) ## the README's screenshots: Chromium on the demo data, PNGs in docs/screenshots/
	$(BIN)/python scripts/screenshots.py --out docs/screenshots

clean: ## remove var/ (local database, media, broker files), caches and collected static files
	rm -rf var staticfiles .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV)
