# ctxh — the two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/ctxh
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: env demo serve worker test lint check pytest pytest-pg browser smoke bench messages clean

env: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ctxh needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Create the environment, migrate, load the demo city, then serve with a task worker.
demo: env
	$(BIN)/ctxh migrate --no-input -v0
	$(BIN)/ctxh demo
	@echo ""
	@echo "ctxh is starting on http://$(HOST):$(PORT)/ with a background worker (Ctrl+C stops both)."
	@$(MAKE) --no-print-directory serve

serve: env
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/ctxh db_worker --interval 0.5 & \
	$(BIN)/ctxh runserver --noreload $(HOST):$(PORT)

worker: env
	$(BIN)/ctxh db_worker

lint: env
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	$(BIN)/lint-imports

check: env
	$(BIN)/ctxh check --fail-level WARNING
	$(BIN)/ctxh makemigrations --check --dry-run
	$(BIN)/python tools/check_messages.py

pytest: env
	$(BIN)/pytest -m "not browser"

# PostgreSQL when one answers (or CTXH_TEST_DATABASE_URL names another).
pytest-pg: env
	@url="$${CTXH_TEST_DATABASE_URL:-$(PG_URL)}"; \
	if $(BIN)/python tools/db_available.py "$$url"; then \
	  echo "== pytest on PostgreSQL ($$url)"; \
	  DATABASE_URL="$$url" $(BIN)/pytest -m "not browser" && echo postgresql >> var/.ran-on; \
	else \
	  echo "== PostgreSQL did not answer at $$url: the suite ran on SQLite only"; \
	fi

browser: env
	$(BIN)/python tools/ensure_chromium.py
	$(BIN)/pytest -m browser

# gunicorn with DEBUG=0 on a free loopback port: migrate, sign in, read a page, stop.
smoke: env
	$(BIN)/python tools/smoke_gunicorn.py

test: env
	@mkdir -p var; rm -f var/.ran-on
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory check
	@echo "== pytest on SQLite"
	$(MAKE) --no-print-directory pytest && echo sqlite >> var/.ran-on
	$(MAKE) --no-print-directory pytest-pg
	$(MAKE) --no-print-directory smoke
	$(MAKE) --no-print-directory browser && echo browser >> var/.ran-on
	$(BIN)/python bench/matching.py --quick
	@echo ""; echo "make test: ruff, import-linter, django checks, migrations, messages, pytest on [$$(paste -sd, var/.ran-on | sed 's/,browser//')], gunicorn smoke test (DEBUG=0), browser journeys in headless Chromium, matching smoke bench — all passed."

# Benchmarks print their figures with targets (PASS/MISS); BENCH_DATABASE_URL / DATABASE_URL
# name a PostgreSQL server for the runs that support it (see each script's docstring).
bench: env
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/people_list.py
	$(BIN)/python bench/import_export.py

# Extract strings (needs GNU gettext's xgettext), then compile with polib (no gettext needed).
messages: env
	cd src/ctxh && ../../$(BIN)/ctxh makemessages -l vi --no-obsolete --no-location -i "static/*"
	cd src/ctxh && ../../$(BIN)/ctxh makemessages -d djangojs -l vi --no-obsolete --no-location -i "static/vendor/*"
	$(BIN)/python tools/check_messages.py --compile

clean:
	rm -rf $(VENV) var
