# Two commands do all set-up on a fresh machine:
#   make run    creates .venv, installs, migrates, loads the demo data, serves on http://127.0.0.1:8000 with the
#               reminder scheduler (and a task worker when TASKS_IMMEDIATE=0) beside it: `manage.py run_all`
#   make test   installs what the tests need and runs the whole suite (browser tests included) on PostgreSQL
#
# make test uses DATABASE_URL when it is set; otherwise it starts a throwaway PostgreSQL cluster from the local
# binaries (tests/throwaway_postgres.py), so PostgreSQL must be installed but need not be running.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test system-packages lint check migrations assets clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(VENV)/bin/activate
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test system-packages

run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} DEMO_DATA=1 $(PY) manage.py load_demo
	@echo "Open http://$(HOST):$(PORT)/ and sign in as officer.plymouth (password: $${DEMO_PASSWORD:-safer-demo-2026})"
	DEBUG=$${DEBUG:-1} $(PY) manage.py run_all $(HOST):$(PORT)

# Debian's Chromium for the browser tests (Playwright's own browser download does not work offline),
# and the libraries WeasyPrint needs for PDFs. Installed only when missing.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	[ -e /usr/share/fonts/truetype/dejavu ] || missing="$$missing fonts-dejavu-core"; \
	[ -e /usr/share/fonts/truetype/liberation2 ] || missing="$$missing fonts-liberation2"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

test: install-test
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

migrations: install
	DEBUG=1 $(PY) manage.py makemigrations

# Rebuild the committed GOV.UK Frontend CSS/JS (needs npm; the app never does).
assets:
	static/src/build.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
