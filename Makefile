# xuncha: `make demo` runs the demo, `make test` runs the suite. Both set themselves up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= var/demo

.PHONY: setup demo test test-sqlite test-postgres lint bench-quick clean

setup: $(VENV)/.installed

# Re-installs only when pyproject.toml changes; safe to run any number of times.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

demo: setup
	rm -rf $(DEMO_DIR)
	XUNCHA_DATA_DIR=$(DEMO_DIR) $(BIN)/xuncha demo

# SQLite always; PostgreSQL too when DATABASE_URL points at one.
test: setup test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "DATABASE_URL is not set: the PostgreSQL run is skipped."; fi

test-sqlite:
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL XUNCHA_DATA_DIR=$$(mktemp -d) $(BIN)/python -m pytest

test-postgres:
	@echo "== test suite on PostgreSQL =="
	XUNCHA_DATA_DIR=$$(mktemp -d) $(BIN)/python -m pytest -m "not browser"

# The 雷同 benchmark on 10,000 documents; fails when a quality goal (recall, precision, accuracy) is missed.
bench-quick: setup
	$(BIN)/python bench/reuse.py --json --docs 10000 --check

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
