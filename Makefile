# Scaffold — the two commands are `make dev` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)

# The first Python 3.12+ on this machine: python3.13, python3.12 or python3 on
# PATH, then interpreters installed by pyenv (whose shims refuse versions that
# are not selected, so they are tried by path).
PYTHON ?= $(shell for c in python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: help install install-prod dev test test-postgres lint format typecheck migrations-check deploy-check bench clean

help:
	@echo "make dev    install, migrate, load demo data, run web + worker + beat (+ embedded Redis)"
	@echo "make test   run the test suite (SQLite + embedded Redis unless DATABASE_URL/REDIS_URL are set)"
	@echo "make install-prod   runtime dependencies only (VENV=… to choose where)"
	@echo "make lint | typecheck | migrations-check | deploy-check | bench"

$(VENV)/.installed: pyproject.toml uv.lock
	@if [ -z "$(PYTHON)" ]; then echo "Scaffold needs Python 3.12 or newer (python3.12 or python3.13 on PATH)." >&2; exit 1; fi
	@test -x $(PY) || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv sync --frozen --python $(PY)
	@touch $@

install: $(VENV)/.installed

# Production: the runtime dependencies only, from the same lock (no test,
# lint or development tools). `make install-prod VENV=/srv/scaffold/venv`.
install-prod:
	@if [ -z "$(PYTHON)" ]; then echo "Scaffold needs Python 3.12 or newer (python3.12 or python3.13 on PATH)." >&2; exit 1; fi
	@test -x $(PY) || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv sync --frozen --no-dev --python $(PY)
	@rm -f $(VENV)/.installed

dev: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@$(PY) manage.py dev --port $(or $(PORT),8000)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/scaffold} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install
	$(VENV)/bin/mypy .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

deploy-check: install
	SCAFFOLD_ENV=production SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	ALLOWED_HOSTS=scaffold.example.com SITE_URL=https://scaffold.example.com DATABASE_URL=postgres://postgres@127.0.0.1:5432/scaffold \
	REDIS_URL=redis://127.0.0.1:6379/0 EMAIL_BACKEND=smtp EMAIL_HOST=smtp.example.com \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles

bench: install
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/scaffold} \
	REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/3} \
	$(PY) -m tests.benchmarks.run
