# Care Market: `make run` serves the demo site, `make test` runs every check and the whole suite;
# `make serve` serves the demo as in production.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in e-mails point at the port the site is served on (unless BASE_URL is set already).
export BASE_URL ?= http://127.0.0.1:$(PORT)
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=marketplace.settings.test
# The suite runs in parallel processes (pytest-xdist), one per core unless TEST_WORKERS says.
TEST_WORKERS ?= auto
# Python keeps compiled bytecode (and pytest its rewritten test modules) in __pycache__, as it
# does by default: an environment that turns it off (PYTHONDONTWRITEBYTECODE) makes every
# process, each test worker and each server a test starts, compile the code again (some 7 s of
# a test process's 14 s start).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install demo-data run dev serve test checks format test-db pytest test-browser bench-install css clean

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Care Market needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# The demo data and search index (idempotent: an editor's changes survive a reload).
demo-data: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_data
	$(MANAGE) rebuild_search_index

# The demo as people see it (DEBUG off: the designed error pages) on Django's development
# server, which reloads on code changes; static files come through WhiteNoise.
run: demo-data
	@echo ""
	@echo "Care Market is running at http://127.0.0.1:$(PORT)/ (press Ctrl+C to stop)"
	DEBUG=false $(MANAGE) runserver 127.0.0.1:$(PORT)

# The same with DEBUG on (tracebacks and Django's debug pages), for developers.
dev: demo-data
	DEBUG=true $(MANAGE) runserver 127.0.0.1:$(PORT)

# The demo served as in production: gunicorn (workers and threads from the cores; PORT,
# WEB_CONCURRENCY, GUNICORN_THREADS), DEBUG off, collected static files through WhiteNoise, a
# task worker for the queued tasks (marketplace/settings/serve.py).
SERVE_ENV := DJANGO_SETTINGS_MODULE=marketplace.settings.serve
serve: demo-data
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Care Market is served at http://127.0.0.1:$(PORT)/ (press Ctrl+C to stop)"
	$(SERVE_ENV) PORT=$(PORT) $(MANAGE) serve

# Every Django template (the templates/ folder and any app's templates/ folder; .html and the
# .txt e-mails), for djade, the template formatter. Its target version is the Django series we
# pin (enables its upgrade fixers up to that version); change both together.
TEMPLATES = $(shell find . \( -path ./.git -o -path ./$(VENV) -o -path ./frontend/node_modules -o -path ./static -o -path ./var \) -prune -o -path '*/templates/*' -type f \( -name '*.html' -o -name '*.txt' \) -print | sort)
DJADE := $(BIN)/djade --target-version 5.2

checks: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo 'djade --check ($(words $(TEMPLATES)) templates)'
	@$(DJADE) --check $(TEMPLATES)
	$(BIN)/mypy
	$(TEST_SETTINGS) $(MANAGE) check --fail-level WARNING
	$(TEST_SETTINGS) $(MANAGE) makemigrations --check --dry-run

# Formats the Python (ruff) and the templates (djade) in place.
# (djade exits 1 when it changed a file; that is the point here, not a failure.)
format: install
	$(BIN)/ruff format .
	@echo 'djade ($(words $(TEMPLATES)) templates)'
	@$(DJADE) $(TEMPLATES) || [ $$? -eq 1 ]

# The migrated SQLite test database, kept in var/test-db/ for this code so that each test
# process copies it in instead of running the 277 migrations (tests/migrated_template.py).
test-db: install
	$(TEST_SETTINGS) $(BIN)/python -m tests.migrated_template

# Everything but the browser tests, on both cores.
pytest: install
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not browser"

# The checks (one core) and the migrations (the other) side by side, then the suite, then the
# browser tests.
test: install
	@$(MAKE) --no-print-directory -j2 --output-sync=target checks test-db
	@$(MAKE) --no-print-directory pytest
	@$(MAKE) --no-print-directory test-browser

# The browser (accessibility) tests, one process per core, each with its own test database,
# demo load, live server and Chromium: one Chromium waits on the server and the driver a third
# of the time, so two side by side took 131 s where one took 176 s. They need Debian's
# chromium-headless-shell or chromium (skipped with a message when missing, a failure when
# REQUIRE_BROWSER is set, as in CI). Only tests/browser is collected: every browser test lives
# there.
test-browser: install
	$(BIN)/pytest tests/browser -m browser -p no:cacheprovider -n $(TEST_WORKERS)

# Locust, for bench/load.py (not needed to run or test the site).
bench-install: install
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[bench]"

css:
	frontend/build.sh

clean:
	rm -rf $(VENV) var
