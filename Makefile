# Two commands on a fresh Debian machine, from a clone anywhere: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
PY := .venv/bin/python
ENV := set -a && . run/.env && set +a &&
PYDEPS_STAMP := .venv/.deps-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
NPM_STAMP := node_modules/.stamp-$(shell cat package-lock.json | sha1sum | cut -c1-12)
# Test processes (pytest-xdist; each has its own test database and Redis database, tests/conftest.py).
PYTEST_WORKERS ?= 2

.PHONY: setup system-deps services python-deps assets migrate demo seed start stop test lint api-contract

setup: system-deps run/.env python-deps assets services migrate

system-deps:
	@bash scripts/system_deps.sh

run/.env:
	@bash scripts/env.sh

python-deps: $(PYDEPS_STAMP)
$(PYDEPS_STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv .venv
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -e ".[dev]"
	@rm -f .venv/.deps-* && touch $@

assets: $(NPM_STAMP)
	@bash scripts/copy_vendor_assets.sh
$(NPM_STAMP): package.json package-lock.json
	@npm ci --silent --no-audit --no-fund
	@rm -f node_modules/.stamp-* && touch $@

services: run/.env
	@bash scripts/services.sh start

migrate:
	@$(ENV) PRM_DB_ROLE=owner $(PY) manage.py migrate --noinput -v 0
	@$(ENV) $(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules
	@$(ENV) $(PY) manage.py collectstatic --noinput -v 0

seed:
	@$(ENV) $(PY) manage.py seed_demo

demo: setup seed start

start:
	@bash scripts/run_servers.sh start

stop:
	@bash scripts/run_servers.sh stop || true
	@bash scripts/services.sh stop

test: setup
	@.venv/bin/lint-imports --no-cache  # the module contract (pyproject.toml [tool.importlinter])
	@$(ENV) $(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

api-contract:  # the strict API contract run against the running demo (docs/api.md, "The contract")
	@bash scripts/api_contract.sh

lint:
	@.venv/bin/ruff check .
