# Staffroom — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SIZE ?= demo
STAMP := $(VENV)/.installed

.PHONY: install install-system install-bench-tools install-python install-node run demo test test-fast test-browser lint fmt messages bench bench-quick bench-all bench-directory bench-pages bench-video clean

# Install into .venv: Python packages pinned by constraints.txt. Re-runs only when those
# files change. `make run` needs nothing else.
install-python: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Staffroom needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# Front-end tools the browser tests inject into pages (axe-core), from the npm lockfile.
# Serving the app doesn't need them: without npm, `make run` still works and `make test`
# fails loudly at the first accessibility check.
install-node: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: install Node.js and npm to run the browser tests (make test)"; fi

# Video processing runs Debian's ffmpeg (and ffprobe): installed with apt-get when missing,
# as root or through passwordless sudo. Without it the site still runs and a video upload
# fails with "ffmpeg is not installed on the server", so this never stops `make run`.
install-system:
	@if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else sudo=no; fi; \
	if [ "$$sudo" != no ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing ffmpeg for video processing (apt-get install ffmpeg)"; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg fonts-dejavu-core >/dev/null 2>&1 \
		|| { $$sudo apt-get update -qq >/dev/null 2>&1 \
		&& $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg fonts-dejavu-core >/dev/null 2>&1; } \
		|| true; \
	fi; \
	if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then ffmpeg -version | head -n 1; \
	else echo "Video processing needs ffmpeg: apt-get install ffmpeg (the site runs without it; videos can't be processed)"; fi

# What `make run` and `make test` both call.
install: install-system install-python install-node

# Serve the living demo hospital at http://127.0.0.1:$(PORT) on the embedded SQLite database.
run: install
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py createcachetable
	DEBUG=true $(PY) manage.py seed_demo --size demo
	@echo "Staffroom is at http://127.0.0.1:$(PORT)/ — demo logins are listed in README.md"
	@# The background worker (emails, webhooks, periodic jobs) runs beside the web server and
	@# stops with it.
	export DEBUG=true SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
	$(PY) manage.py worker --no-reload --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Build (or top up) the demo hospital: `make demo SIZE=large` for 80,000 people.
demo: install-python install-system
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py createcachetable
	DEBUG=true $(PY) manage.py seed_demo --size $(SIZE)

lint: install-python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	DEBUG=true STAFFROOM_DATA_DIR=$$(mktemp -d) $(PY) manage.py makemigrations --check --dry-run

fmt: install-python
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the Spanish catalogue (staffroom/locale/es) from the code and templates, then compile
# it. Translate any new or fuzzy entries in django.po and run this again: the compiled .mo is
# committed, so `make run` works on machines without GNU gettext.
messages: install-python
	DEBUG=true STAFFROOM_DATA_DIR=$$(mktemp -d) $(PY) manage.py makemessages -l es --ignore=.venv --ignore=node_modules --ignore=tests --ignore="*/tests/*" --ignore=scripts --ignore=data --no-location --no-obsolete
	DEBUG=true STAFFROOM_DATA_DIR=$$(mktemp -d) $(PY) manage.py compilemessages -l es --ignore=.venv --ignore=node_modules

# The whole suite: lint first, then every test (browser tests included) on DATABASE_URL,
# or on a throwaway SQLite database when it is unset.
test: install lint
	$(PY) -m pytest -n 2 --dist loadfile

test-fast: install-python
	$(PY) -m pytest -n 2 -m "not browser"

test-browser: install
	$(PY) -m pytest -m browser

# The HTTP benchmark of issue 8 runs wrk (the load) and nginx (the physical limit, and the
# proxy of the scale-out pair) from Debian: installed with apt-get when missing, as root or
# through passwordless sudo. Without them `make bench` stops and says what to install.
install-bench-tools:
	@if command -v wrk >/dev/null 2>&1 && { command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx; }; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else sudo=no; fi; \
	if [ "$$sudo" != no ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing wrk and nginx for the HTTP benchmark (apt-get install wrk nginx)"; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null 2>&1 \
		|| { $$sudo apt-get update -qq >/dev/null 2>&1 \
		&& $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null 2>&1; } \
		|| true; \
	fi; \
	if command -v wrk >/dev/null 2>&1 && { command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx; }; then :; \
	else echo "The HTTP benchmark needs wrk and nginx: apt-get install wrk nginx"; exit 1; fi

# Issue 8's HTTP benchmark: every hot page served by gunicorn as in production, loaded with wrk,
# against the framework floor and nginx, on the demo and large datasets (built in
# data/bench-pages/ the first time: large takes several minutes), on SQLite and, when
# DATABASE_URL points at PostgreSQL, there too (with Redis: REDIS_URL, else database 12 of the
# local Redis). Writes the section "HTTP benchmark (issue 8)" of docs/benchmarks.md.
bench: install install-bench-tools
	$(PY) scripts/bench_http.py --write

# The same on the demo data with 2-second runs (about two minutes): run it before and after
# touching a hot page. Prints the table; writes nothing.
bench-quick: install install-bench-tools
	$(PY) scripts/bench_http.py --quick --databases sqlite

# Every benchmark: the HTTP benchmark and the older ones (directory import, in-process page
# timings, video processing).
bench-all: bench bench-directory bench-pages bench-video

bench-directory: install-python
	DEBUG=true $(PY) scripts/bench_directory_import.py

# Builds the demo and large demo hospitals in data/bench-pages/ the first time (large: 5 to 8 minutes).
bench-pages: install-python
	$(PY) scripts/bench_pages.py

# Processes a generated 1-minute 1080p clip end to end (issue 7's target: under 2 minutes).
bench-video: install
	$(PY) scripts/bench_video.py

clean:
	rm -rf $(VENV) node_modules
