# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Test processes (pytest-xdist; each gets its own database): one per core.
TEST_WORKERS ?= auto

.PHONY: run test test-pg lint browser-deps bench bench-scale bench-status bench-pdf clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## Start the app on SQLite (instance/postmortem.db) at http://$(HOST):$(PORT)/
run: $(VENV)/.runtime
	$(BIN)/flask --app app db upgrade
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 \
		--access-logfile - app:app

## Run the test suite (SQLite; set TEST_DATABASE_URL for PostgreSQL)
test: $(VENV)/.dev browser-deps
	$(BIN)/pytest -n $(TEST_WORKERS)

## Same suite against the local PostgreSQL server
test-pg: $(VENV)/.dev browser-deps
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/pytest -n $(TEST_WORKERS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

## Headless Chromium for the browser tests, from Debian's packages when we may
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing chromium for the browser tests"; \
			(apt-get install -y -q chromium chromium-driver poppler-utils fonts-dejavu-core >/dev/null 2>&1 || \
			 (apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver poppler-utils fonts-dejavu-core >/dev/null)); \
		else \
			echo "No /usr/bin/chromium: browser tests will be skipped (apt-get install chromium)"; \
		fi; \
	fi
	@if ! command -v pdftotext >/dev/null || [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing poppler-utils and DejaVu fonts for the PDF export and its tests"; \
			(apt-get install -y -q poppler-utils fonts-dejavu-core >/dev/null 2>&1 || \
			 (apt-get update -q >/dev/null && apt-get install -y -q poppler-utils fonts-dejavu-core >/dev/null)); \
		fi; \
	fi

## Benchmarks: cost per incident size, and the SQLite half of the scale bench
## (1k vs 20k incidents, under 5 minutes)
bench: $(VENV)/.dev
	$(BIN)/python bench/bench_incidents.py
	$(BIN)/python bench/bench_scale.py --sizes 1000 20000

## The full scale bench: 1k vs 100k incidents on SQLite and on PostgreSQL
## (BENCH_DATABASE_URL names a scratch database: it is emptied). ~20 minutes.
bench-scale: $(VENV)/.dev
	$(BIN)/python bench/bench_scale.py --sizes 1000 100000 --database-url sqlite \
		--database-url $${BENCH_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/bench}

## Status page under load: gunicorn + wrk (installs Debian's wrk when root)
bench-status: $(VENV)/.dev
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			(apt-get install -y -q wrk >/dev/null 2>&1 || \
			 (apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null)); \
		else echo "wrk is missing: apt-get install wrk"; exit 1; fi; \
	fi
	$(BIN)/python bench/bench_status.py $(BENCH_ARGS)

## PDF export against WeasyPrint alone, the export cache, memory, export --all
bench-pdf: $(VENV)/.dev browser-deps
	$(BIN)/python bench/bench_pdf.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
