# Exportcenter developer commands. `make run` and `make test` work on a fresh clone: they create .venv,
# install the locked dependencies and compile the translations on first use.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.lock | md5sum | cut -c1-12)
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
HOST ?= 127.0.0.1
PORT ?= 8000
# Links that `make run` prints and emails point at the server it starts (HOST and PORT; 0.0.0.0 is this
# machine), unless SITE_URL is set in the environment or in .env.
ENV_SITE_URL := $(shell sed -n 's/^SITE_URL=//p' .env 2>/dev/null | tail -n 1 | tr -d "\"'")
RUN_HOST := $(if $(filter 0.0.0.0 :: [::],$(HOST)),127.0.0.1,$(HOST))
RUN_SITE_URL := $(or $(SITE_URL),$(ENV_SITE_URL),http://$(RUN_HOST):$(PORT))

.PHONY: venv run test lint audit format messages check-translations migrations worker beat lock clean help screenshots

help:
	@echo "make run       start the portal (SQLite + embedded Celery unless DATABASE_URL/REDIS_URL are set)"
	@echo "make test      run the whole test suite"
	@echo "make lint      ruff format --check, ruff check and the import contracts (lint-imports)"
	@echo "make audit     bandit over the project's code; pip-audit of the locked dependencies where it can"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make messages  extract strings into locale/ and compile the catalogues"
	@echo "make screenshots  the README's screenshots (docs/screenshots/) from the demo data, with Chromium"

$(STAMP): requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics --domain=django --input-file=$< --output-file=$@
	@test -f $@ || { echo "$< was not compiled (is its header marked fuzzy?)"; exit 1; }

# The embedded default: DEBUG on, SQLite and kombu's filesystem broker unless the environment says otherwise.
run: export DEBUG ?= true
run: $(STAMP) $(MO_FILES)
	$(BIN)/python manage.py migrate --noinput
	SITE_URL='$(RUN_SITE_URL)' $(BIN)/python manage.py seed_demo
	HOST=$(HOST) PORT=$(PORT) SITE_URL='$(RUN_SITE_URL)' bin/run-embedded

test: $(STAMP) $(MO_FILES)
	@set +e; $(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest: no tests were collected"; exit 0; fi; exit $$rc

# The README's screenshots, made from the demo data on a throwaway SQLite database (bin/screenshots). Needs
# Debian's chromium; pngquant, when installed, makes the PNGs about three times smaller.
screenshots: $(STAMP) $(MO_FILES)
	$(BIN)/python bin/screenshots

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Security checks. bandit: a medium or high finding is fixed or explained inline (`# nosec BXXX: why`).
# pip-audit needs PyPI's vulnerability data, which CI cannot reach: there the script says so and passes.
audit: $(STAMP)
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level medium
	bin/pip-audit-if-reachable

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract strings (needs GNU gettext's xgettext), fill the English catalogue (English is the source
# language) and compile. Then translate the new Swedish entries in locale/sv/LC_MESSAGES/django.po.
messages migrations check-translations: export DEBUG ?= true
messages: $(STAMP)
	$(BIN)/python manage.py makemessages --locale=sv --locale=en --no-obsolete --no-location \
		--ignore=.venv --ignore=staticfiles --ignore=tests
	$(BIN)/python manage.py check_translations --fill-source-language
	@$(MAKE) --no-print-directory $(MO_FILES)

check-translations: $(STAMP)
	$(BIN)/python manage.py check_translations

migrations: $(STAMP)
	$(BIN)/python manage.py makemigrations

worker: $(STAMP) $(MO_FILES)
	$(BIN)/celery -A exportcenter worker --loglevel=INFO

beat: $(STAMP)
	$(BIN)/celery -A exportcenter beat --loglevel=INFO

# Regenerate the lock files after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev -c requirements.lock --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf .run staticfiles .pytest_cache .ruff_cache
