# The README's commands. Each one creates .venv and installs the project on first use;
# the install is redone only when pyproject.toml changes.

PYTHON3 ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
MANAGE := $(PYTHON) manage.py
INSTALLED := $(VENV)/.installed

.PHONY: run test lint bench clean

run: export DJANGO_DEBUG = 1
run: $(INSTALLED)
	$(MANAGE) migrate --no-input
	$(MANAGE) import_notices fixtures/notices
	$(MANAGE) runserver 127.0.0.1:8000

test: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(INSTALLED)
	@test -f benchmarks/run.py || { echo "benchmarks/run.py does not exist yet." >&2; exit 1; }
	$(PYTHON) benchmarks/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis *.egg-info build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

$(PYTHON):
	$(PYTHON3) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@
