# ICT Baseline: two commands on a fresh machine.
#   make run   - virtual environment, install, start the app on the bundled Pudong data
#   make test  - install what the tests need, run lint and every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
STATIC := static/vendor/.complete

.PHONY: run test lint bench install static browser postgres layers clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# the app: the core package and its `app` extra
$(VENV)/.installed-app: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[app]'
	touch $@

# the tests: the app, the dask engine, pytest, ruff and mypy
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

$(STATIC):
	bash scripts/fetch_static.sh static/vendor

static: $(STATIC)

# Debian's Chromium serves the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	  || echo "chromium could not be installed: browser tests will be skipped"; }

# Debian's PostgreSQL and PostGIS serve the PostGIS store tests (tests/pg.py starts a throwaway
# cluster in a temporary folder); apt-get update runs only when the install fails without it.
PG_PACKAGES ?= postgresql postgresql-15-postgis-3
postgres:
	@if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && \
	    ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then :; else \
	  echo "installing Debian $(PG_PACKAGES) for the store tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PG_PACKAGES) >/dev/null 2>&1 \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PG_PACKAGES) >/dev/null) \
	  || echo "PostgreSQL/PostGIS could not be installed: the PostGIS tests will skip (fail under CI=true)"; fi

# the embedded workspace starts with one demo account per role on the sample projects (once)
run: $(VENV)/.installed-app static
	$(VENV)/bin/baseline workspace demo
	$(VENV)/bin/baseline app --port=$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# two workers (the machine's two cores); the browser tests keep to one of them (tests/conftest.py)
test: install static browser postgres lint
	$(PY) -m pytest -q -n 2 --dist loadgroup

bench: install
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/run.py

layers: install
	$(PY) scripts/build_layers.py --shared ../shared/data --out layers

clean:
	rm -rf $(VENV) static/vendor .pytest_cache .ruff_cache
