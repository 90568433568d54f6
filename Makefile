# Care Market: `make run` serves the demo site, `make test` runs every check and the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=marketplace.settings.test
# The suite runs in parallel processes (pytest-xdist), one per core unless TEST_WORKERS says.
TEST_WORKERS ?= auto

.PHONY: install run test checks pytest test-browser css clean

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Care Market needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_data
	$(MANAGE) rebuild_search_index
	@echo ""
	@echo "Care Market is running at http://127.0.0.1:$(PORT)/ (press Ctrl+C to stop)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

checks: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(TEST_SETTINGS) $(MANAGE) check --fail-level WARNING
	$(TEST_SETTINGS) $(MANAGE) makemigrations --check --dry-run

# Everything but the browser tests, on both cores.
pytest: install
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not browser"

test: checks pytest test-browser

# The browser (accessibility) tests, in one process with one live server and one Chromium;
# they need Debian's chromium at /usr/bin/chromium (skipped with a message when it is missing,
# a failure when REQUIRE_BROWSER is set, as in CI).
test-browser: install
	$(BIN)/pytest -m browser -p no:cacheprovider

css:
	frontend/build.sh

clean:
	rm -rf $(VENV) var
