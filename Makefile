# xuncha: `make demo` runs the demo, `make test` runs the suite. Both set themselves up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= var/demo
PORT ?= 8000

.PHONY: setup system demo demo-reset test test-sqlite test-postgres lint bench-quick clean

setup: system $(VENV)/.installed

# Debian packages for PDF text (Pango, CJK fonts) and the browser tests (Chromium), when missing.
system:
	@scripts/system-packages

# Re-installs only when pyproject.toml changes; safe to run any number of times.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

# Keeps its data between runs (a second run loads nothing and gives the demo accounts new passwords).
demo: setup
	XUNCHA_EMAIL_BACKEND=$${XUNCHA_EMAIL_BACKEND:-console} XUNCHA_DATA_DIR=$(DEMO_DIR) $(BIN)/xuncha demo --port $(PORT)

demo-reset:
	rm -rf $(DEMO_DIR)
	@echo "演示数据已清除；再次运行 make demo 重新载入。"

# SQLite always; PostgreSQL too when DATABASE_URL points at one. The two runs share nothing (own data
# folders, own databases), so they run side by side, one a core; the PostgreSQL run's output follows.
test: setup
	@if [ -n "$$DATABASE_URL" ]; then \
		log=$$(mktemp); \
		$(MAKE) --no-print-directory test-postgres > "$$log" 2>&1 & pg=$$!; \
		$(MAKE) --no-print-directory test-sqlite; sqlite=$$?; \
		wait $$pg; postgres=$$?; cat "$$log"; rm -f "$$log"; \
		[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]; \
	else $(MAKE) --no-print-directory test-sqlite && \
		echo "DATABASE_URL is not set: the PostgreSQL run is skipped."; fi

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
