# CityDesk: `make run` to start the portal, `make test` to run the suite.
VENV   ?= .venv
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: install run test lint messages clean schemathesis

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,dev]"
	touch $(STAMP)

messages: install
	@if command -v msgfmt >/dev/null; then \
	  $(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var --verbosity=0; \
	else echo "msgfmt (gettext) not found: using the compiled catalogs in locale/"; fi

run: install messages
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	./scripts/run-all.sh

test: install
	$(VENV)/bin/pytest

# The OpenAPI document against a live server (needs DATABASE_URL=postgres://…);
# also part of `make test`.
schemathesis: install
	$(VENV)/bin/pytest tests/citymgmt/test_api_schema.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf var/broker staticfiles .pytest_cache
