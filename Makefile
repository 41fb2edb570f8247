# ctxh — the two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/ctxh
# Redis for the job tests on RQ (its own database number: the tests empty its queue).
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: env demo serve worker test lint check pytest pytest-pg pytest-workers browser smoke bench messages clean

env: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ctxh needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The demo runs as in production (DEBUG=0: the Vietnamese 403/404/500 pages, never Django's
# debug page) on this machine over plain http (CTXH_DEMO=1: generated secret key in var/,
# local host names, cookies without HTTPS, static files served by whitenoise). A developer
# who wants the debug page: `make serve DEMO_ENV=`.
DEMO_ENV ?= DEBUG=0 CTXH_DEMO=1

# Create the environment, migrate, load the demo city, then serve with a task worker (which
# also runs `ctxh remind`, the periodic reminders and daily digests, every hour).
demo: env
	$(DEMO_ENV) $(BIN)/ctxh migrate --no-input -v0
	$(DEMO_ENV) $(BIN)/ctxh demo
	@echo ""
	@echo "ctxh is starting on http://$(HOST):$(PORT)/ with a background worker (Ctrl+C stops both)."
	@$(MAKE) --no-print-directory serve

serve: env
	@trap 'kill 0' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/ctxh jobs_worker --interval 0.5 --remind-every 3600 & \
	$(DEMO_ENV) $(BIN)/ctxh runserver --noreload $(HOST):$(PORT)

# The task worker CTXH_TASKS names (database by default, RQ on Redis), after a reap.
worker: env
	$(BIN)/ctxh jobs_worker

lint: env
	$(BIN)/ruff check src bench tools
	$(BIN)/ruff format --check src bench tools
	$(BIN)/lint-imports
	$(BIN)/python tools/check_import_cycles.py

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

# Jobs in a worker's child process (time limit, memory cap, death), on an SQLite file that
# two processes can share; then the same tests on RQ with a real worker when Redis answers.
pytest-workers: env
	@mkdir -p var; rm -f var/test-workers.sqlite3*
	@echo "== job workers: child processes, database backend (SQLite file)"
	CTXH_TEST_SQLITE_NAME=var/test-workers.sqlite3 $(BIN)/pytest -m workers --reuse-db
	@url="$${CTXH_TEST_REDIS_URL:-$(REDIS_TEST_URL)}"; \
	if $(BIN)/python tools/redis_available.py "$$url"; then \
	  echo "== job workers on RQ ($$url)"; \
	  CTXH_TASKS=rq REDIS_URL="$$url" CTXH_TEST_SQLITE_NAME=var/test-workers.sqlite3 \
	    $(BIN)/pytest -m workers --reuse-db && echo redis >> var/.ran-on; \
	else \
	  echo "== Redis did not answer at $$url: jobs were not run on RQ"; \
	fi
	@rm -f var/test-workers.sqlite3*

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
	$(MAKE) --no-print-directory pytest-workers
	$(MAKE) --no-print-directory smoke
	$(MAKE) --no-print-directory browser && echo browser >> var/.ran-on
	$(BIN)/python bench/matching.py --quick
	@echo ""; echo "make test: ruff, import-linter, django checks, migrations, messages, pytest on [$$(grep -v 'browser\|redis' var/.ran-on | paste -sd,)], gunicorn smoke test (DEBUG=0), job workers on [database$$(grep -q redis var/.ran-on && echo ', RQ on Redis' || echo '; no Redis answered, RQ not run')], browser journeys in headless Chromium, matching smoke bench — all passed."

# Benchmarks print their figures with targets (PASS/MISS); BENCH_DATABASE_URL / DATABASE_URL
# name a PostgreSQL server for the runs that support it (see each script's docstring).
bench: env
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/people_list.py
	$(BIN)/python bench/practicum_pages.py
	$(BIN)/python bench/import_export.py
	$(BIN)/python bench/accounts.py
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/practicum.py
	$(BIN)/python bench/training_certificates.py
	$(BIN)/python bench/practicum_logbook.py
	$(BIN)/python bench/practicum_comparisons.py
	$(BIN)/python bench/training.py
	$(BIN)/python bench/monitoring.py
	$(BIN)/python bench/public.py

# Extract strings (needs GNU gettext's xgettext), then compile with polib (no gettext needed).
messages: env
	cd src/ctxh && ../../$(BIN)/ctxh makemessages -l vi --no-obsolete --no-location -i "static/*"
	cd src/ctxh && ../../$(BIN)/ctxh makemessages -d djangojs -l vi --no-obsolete --no-location -i "static/vendor/*"
	$(BIN)/python tools/check_messages.py --compile

clean:
	rm -rf $(VENV) var
