# yibao 医保执法: set-up, demo, lint and tests.  `make help` lists the targets.
#
#   make demo   install everything, migrate the SQLite database under var/, serve on 127.0.0.1:8000
#   make test   install everything, ruff, the whole suite on SQLite, then the database tests on PostgreSQL

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.NOTPARALLEL:
.DEFAULT_GOAL := help

PYTHON ?= python3
# uv may be missing on a new machine; `pip install uv` then provides `python3 -m uv`.
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo $(PYTHON) -m uv)
RESULTS := var/test-results
DEMO_PORT ?= 8000

export DJANGO_SETTINGS_MODULE := yibao.settings
export UV_NO_PROGRESS := 1

.PHONY: help setup system uv sync migrate demo lint test test-sqlite test-postgres postgres clean

help:
	@echo "make demo           install everything, migrate, run 'yibao demo' on http://127.0.0.1:8000"
	@echo "make test           install everything, lint, pytest on SQLite, then 'pytest -m db' on PostgreSQL"
	@echo "make setup          system packages (scripts/setup-system.sh), uv, uv sync"
	@echo "make lint           ruff check src"
	@echo "make test-sqlite    the whole suite on SQLite (no set-up)"
	@echo "make test-postgres  start PostgreSQL and run the database tests on it (no set-up)"
	@echo "make postgres       start PostgreSQL and print its YIBAO_DATABASE_URL"

setup: system uv sync

system:
	@bash scripts/setup-system.sh

uv:
	@if $(UV) --version >/dev/null 2>&1; then \
	    echo "==> uv: $$($(UV) --version)"; \
	else \
	    echo "==> pip install uv"; \
	    pip_opts="-q --disable-pip-version-check --root-user-action=ignore"; \
	    $(PYTHON) -m pip install $$pip_opts uv 2>/dev/null \
	        || $(PYTHON) -m pip install $$pip_opts --break-system-packages uv; \
	    echo "==> uv: $$($(PYTHON) -m uv --version)"; \
	fi

sync:
	@echo "==> uv sync"
	@$(UV) sync -q

migrate:
	@echo "==> migrate ($${YIBAO_DATABASE_URL:-SQLite under $${YIBAO_VAR:-var}/})"
	@$(UV) run python -m django migrate --noinput -v 0

demo: setup migrate
	@echo "==> yibao demo (http://127.0.0.1:$(DEMO_PORT))"
	@$(UV) run yibao demo --port $(DEMO_PORT)

lint:
	@echo "==> ruff check src"
	@$(UV) run ruff check -q --output-format=concise src

test: setup lint test-sqlite test-postgres
	@$(PYTHON) scripts/test-summary.py $(RESULTS)/sqlite.xml $(RESULTS)/postgresql.xml

test-sqlite:
	@echo "==> pytest on SQLite (whole suite)"
	@mkdir -p $(RESULTS) && rm -f $(RESULTS)/sqlite.xml
	@env -u YIBAO_DATABASE_URL $(UV) run pytest -q --junitxml=$(RESULTS)/sqlite.xml

test-postgres:
	@echo "==> PostgreSQL"
	@mkdir -p $(RESULTS) && rm -f $(RESULTS)/postgresql.xml
	@url=$$(bash scripts/start-postgres.sh) && [ -n "$$url" ] || { echo "start-postgres.sh gave no database URL" >&2; exit 1; }; \
	echo "==> pytest -m db on PostgreSQL ($$(sed -E 's#//([^:]*):[^@]*@#//\1:***@#' <<<"$$url"))"; \
	rc=0; YIBAO_DATABASE_URL=$$url $(UV) run pytest -q -m db --junitxml=$(RESULTS)/postgresql.xml || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "==> no database tests selected on PostgreSQL"; rc=0; fi; \
	exit $$rc

postgres:
	@bash scripts/start-postgres.sh

clean:
	rm -rf $(RESULTS) test-artifacts .pytest_cache .ruff_cache
