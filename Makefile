# The README's commands. Each one creates .venv and installs the project on first use;
# the install is redone only when pyproject.toml changes.

PYTHON3 ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
MANAGE := $(PYTHON) manage.py
INSTALLED := $(VENV)/.installed
# Compiled interface translations, one per language in locale/ (not kept in git).
TRANSLATIONS := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
# Where `make serve` listens, and how many requests it handles at once.
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run serve test lint bench messages screenshots clean

run: export DJANGO_DEBUG = 1
run: $(INSTALLED) $(TRANSLATIONS)
	$(MANAGE) migrate --no-input
	$(MANAGE) import_notices fixtures/notices
	$(MANAGE) generate_vacancies --if-none-open --count 300 --seed 2026
	@echo "HR editors: create an account with: $(MANAGE) create_hr_editor USERNAME"
	@echo "E-mails (alert confirmations) are printed here, not sent; send the alerts due with: DJANGO_DEBUG=1 $(MANAGE) send_alerts"
	$(MANAGE) runserver 127.0.0.1:8000

# The production server (README, "Production"): needs DJANGO_SECRET_KEY and ALLOWED_HOSTS.
# DJANGO_DEBUG is emptied so that one left over from development cannot show debug pages.
serve: export DJANGO_DEBUG =
serve: $(INSTALLED) $(TRANSLATIONS)
	$(MANAGE) migrate --no-input
	$(MANAGE) collectstatic --no-input
	$(VENV)/bin/gunicorn jobboard.wsgi --config jobboard/gunicorn.conf.py \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

test: $(INSTALLED) $(TRANSLATIONS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(INSTALLED) $(TRANSLATIONS)
	$(PYTHON) benchmarks/worst_case_parsing.py
	$(PYTHON) benchmarks/run.py
	$(PYTHON) benchmarks/pages.py --count 10000
	$(PYTHON) benchmarks/pages.py --count 100000 --requests 40
	$(PYTHON) benchmarks/relevance.py
	$(PYTHON) benchmarks/send_alerts.py
	$(PYTHON) benchmarks/throughput.py --count 10000
	$(PYTHON) benchmarks/throughput.py --count 100000

# Refresh the pictures of the public pages in docs/screenshots (shown in the README).
screenshots: $(INSTALLED) $(TRANSLATIONS)
	SCREENSHOTS=1 $(VENV)/bin/pytest -q tests/browser -k "screenshots or fits_a_phone"

# After changing interface strings: refresh the .po files (needs the gettext tools).
messages: $(INSTALLED)
	$(MANAGE) makemessages --all --no-location --no-obsolete \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'benchmarks/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis *.egg-info build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

$(PYTHON):
	$(PYTHON3) -m venv $(VENV)

%.mo: %.po $(INSTALLED)
	$(PYTHON) -c 'import sys, polib; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])' $< $@

$(INSTALLED): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@
