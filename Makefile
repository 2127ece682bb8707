# The README's commands. Everything installs into .venv; nothing is needed beforehand but
# Python 3.11 with venv (Debian: python3 python3-venv).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app quizengine
HOST   ?= 127.0.0.1
PORT   ?= 5000
# The base of printed links and QR codes; by default where `make run` serves.
PUBLIC_URL ?= http://$(HOST):$(PORT)
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres lint e2e bench install install-test clean

# Re-install only when the packaging files change.
$(BIN)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[postgres]'
	touch $@

# Tests render PDFs to images (pdftoppm) and print with DejaVu fonts: Debian packages, installed
# when missing (CI and fresh machines run as root).
TEST_APT := poppler-utils fonts-dejavu-core
$(BIN)/.installed-test: $(BIN)/.installed
	@if ! command -v pdftoppm >/dev/null || [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  echo "installing $(TEST_APT) with apt-get"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEST_APT); \
	fi
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $@

install: $(BIN)/.installed
install-test: $(BIN)/.installed-test

run: install
	$(FLASK) db upgrade
	PUBLIC_URL=$(PUBLIC_URL) $(FLASK) demo
	@echo "Serving on http://$(HOST):$(PORT) (Ctrl+C stops)"
	PUBLIC_URL=$(PUBLIC_URL) $(FLASK) run --host $(HOST) --port $(PORT)

test: test-sqlite test-postgres

test-sqlite: install-test
	QE_TEST_DB=sqlite $(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: install-test
	QE_TEST_DB=postgres TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -q $(PYTEST_ARGS)

# Browser tests (tests/e2e): Debian's chromium driven by Playwright against a real gunicorn.
# Installs chromium, pdftoppm and fonts with apt when missing (as root, non-interactive) and the
# playwright package with pip; never downloads a browser build (no `playwright install`).
E2E_APT := chromium poppler-utils fonts-dejavu-core
E2E_ARGS ?=
e2e: install-test
	@if [ ! -x /usr/bin/chromium ] || ! command -v pdftoppm >/dev/null \
	    || [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  echo "installing $(E2E_APT) with apt-get"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(E2E_APT); \
	fi
	$(BIN)/python -m pip install --quiet -e '.[test,e2e,postgres]'
	E2E=1 $(BIN)/pytest -q tests/e2e $(E2E_ARGS)

# Benchmarks (bench/README.md): micro-benchmarks, then the gunicorn + wrk load run on SQLite
# and PostgreSQL with both ceilings; writes bench/results/latest.md. A few minutes.
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/quizengine_bench
BENCH_ARGS ?=

bench: install-test
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; else \
	  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; fi; }
	$(BIN)/python -m pip install --quiet pytest-benchmark pyinstrument
	mkdir -p bench/results
	$(BIN)/pytest -q -p no:cacheprovider bench/micro --benchmark-columns=min,median,max,rounds \
	  --benchmark-json=bench/results/micro.json
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.run $(BENCH_ARGS)

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info
