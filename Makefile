# Staffroom — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SIZE ?= demo
STAMP := $(VENV)/.installed

.PHONY: install run demo test test-fast test-browser lint fmt messages bench clean

# Install into .venv: Python packages pinned by constraints.txt, and front-end test tools
# (axe-core) from the npm lockfile. Re-runs only when those files change.
install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt package.json package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Staffroom needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	npm ci --silent --no-audit --no-fund
	touch $(STAMP)

# Serve the living demo hospital at http://127.0.0.1:$(PORT) on the embedded SQLite database.
run: install
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py createcachetable
	DEBUG=true $(PY) manage.py seed_demo --size demo
	@echo "Staffroom is at http://127.0.0.1:$(PORT)/ — demo logins are listed in README.md"
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Build (or top up) the demo hospital: `make demo SIZE=large` for 80,000 people.
demo: install
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py createcachetable
	DEBUG=true $(PY) manage.py seed_demo --size $(SIZE)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	DEBUG=true STAFFROOM_DATA_DIR=$$(mktemp -d) $(PY) manage.py makemigrations --check --dry-run

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the Spanish catalogue (staffroom/locale/es) from the code and templates, then compile
# it. Translate any new or fuzzy entries in django.po and run this again: the compiled .mo is
# committed, so `make run` works on machines without GNU gettext.
messages: install
	DEBUG=true STAFFROOM_DATA_DIR=$$(mktemp -d) $(PY) manage.py makemessages -l es --ignore=.venv --ignore=node_modules --ignore=tests --ignore="*/tests/*" --ignore=scripts --ignore=data --no-location --no-obsolete
	DEBUG=true STAFFROOM_DATA_DIR=$$(mktemp -d) $(PY) manage.py compilemessages -l es --ignore=.venv --ignore=node_modules

# The whole suite: lint first, then every test (browser tests included) on DATABASE_URL,
# or on a throwaway SQLite database when it is unset.
test: lint
	$(PY) -m pytest -n 2 --dist loadfile

test-fast: install
	$(PY) -m pytest -n 2 -m "not browser"

test-browser: install
	$(PY) -m pytest -m browser

bench: install
	DEBUG=true $(PY) scripts/bench_directory_import.py

clean:
	rm -rf $(VENV) node_modules
