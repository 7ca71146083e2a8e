# Patternwise — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench bench-scale hotspots instructions setup setup-dev clean

$(PY):
	@python=$$(bin/find-python) && "$$python" -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip

# Stamp files make a second `make run` skip what is already installed.
$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py import_content

setup-dev: $(VENV)/.dev

# The task worker (password reset mail) runs beside the server and is stopped with it.
run: setup ## Set up and serve the site with the bundled course on SQLite, with its task worker.
	@DEBUG=1 $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: setup-dev setup ## Set up and run the whole suite (browser tests need /usr/bin/chromium).
	$(PY) -m pytest

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup-dev ## Load-test pages and answer POSTs with wrk against a bare view under gunicorn.
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y wrk \
		|| { apt-get update && apt-get install -y wrk; }
	@command -v wrk >/dev/null || { echo "make bench needs wrk: sudo apt-get install wrk" >&2; exit 1; }
	$(PY) bench/run.py $(BENCH_ARGS)

PAGE ?= lesson
hotspots: setup-dev ## cProfile one page (PAGE=lesson|dashboard|question|answer|...) in-process.
	$(PY) bench/hotspots.py $(PAGE) $(BENCH_ARGS)

instructions: setup-dev ## Instructions per request of one page (PAGE=...) under callgrind.
	@command -v valgrind >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y valgrind \
		|| { apt-get update && apt-get install -y valgrind; }
	$(PY) bench/instructions.py $(PAGE) $(BENCH_ARGS)

# DATABASE_URL: the PostgreSQL database to fill once with seed_scale and measure (a local
# database named patternwise_scale by default); SEED_ARGS and BENCH_ARGS pass options on.
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/patternwise_scale
bench-scale: setup-dev ## seed_scale on PostgreSQL, then p50/p95 of learners' pages in-process.
	@export DATABASE_URL=$${DATABASE_URL:-$(SCALE_DATABASE_URL)}; \
	  createdb -h 127.0.0.1 -U postgres "$${DATABASE_URL##*/}" 2>/dev/null; \
	  $(PY) manage.py migrate --noinput -v 0 && $(PY) manage.py import_content >/dev/null && \
	  $(PY) manage.py collectstatic --noinput -v 0 && \
	  $(PY) manage.py seed_scale --skip-if-seeded $(SEED_ARGS) && \
	  $(PY) bench/scale.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-shm db.sqlite3-wal db.sqlite3-writer db.sqlite3-cache db.sqlite3-cache_versions staticfiles screenshots .pytest_cache
