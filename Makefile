# The README's commands. Everything installs into .venv; nothing is needed beforehand but
# Python 3.11 with venv (Debian: python3 python3-venv).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app quizengine
HOST   ?= 127.0.0.1
PORT   ?= 5000
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres lint e2e bench install install-test clean

# Re-install only when the packaging files change.
$(BIN)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[postgres]'
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $@

install: $(BIN)/.installed
install-test: $(BIN)/.installed-test

run: install
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Serving on http://$(HOST):$(PORT) (Ctrl+C stops)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: test-sqlite test-postgres

test-sqlite: install-test
	QE_TEST_DB=sqlite $(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: install-test
	QE_TEST_DB=postgres TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -q $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info
