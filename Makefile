# The two commands of the README: `make run` (the app with demo data on SQLite) and `make test`.
# Both build the virtual environment in .venv first; only python3 (>= 3.11), make and git are needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test install lint typecheck migrate clean chromium

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(INSTALLED)

run: install
	$(BIN)/events-app dev

migrate: install
	$(BIN)/events-app migrate

lint: install
	$(BIN)/ruff check events_app tests benchmarks
	$(BIN)/mypy

# Lint and types first, then the whole suite on SQLite, then every database test again on
# PostgreSQL (EVENTS_TEST_POSTGRES_URL; under CI=true a missing PostgreSQL fails the run).
test: install chromium
	$(BIN)/ruff check events_app tests
	$(BIN)/mypy
	EVENTS_TEST_DATABASE=sqlite $(BIN)/pytest -q
	EVENTS_TEST_DATABASE=postgres $(BIN)/pytest -q -m db

# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
# As root it is installed when missing; otherwise the browser tests skip, except under CI=true.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  elif [ "$$CI" = true ]; then echo "chromium missing: apt-get install chromium" >&2; exit 1; fi; fi

clean:
	rm -rf $(VENV) var
