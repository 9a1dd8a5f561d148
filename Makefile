# Homeward: `make run` to try it, `make test` for the whole suite (SQLite and PostgreSQL).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/homeward
PYTEST_ARGS ?=
# Production-like environment for `make check` (values are throwaway; only the shape matters).
CHECK_ENV := DJANGO_SETTINGS_MODULE=homeward.settings.production HTTPS=true ALLOWED_HOSTS=homeward.example.cn \
	SECRET_KEY=check-only-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n') \
	CARE_FIELD_KEYS=$$(.venv/bin/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	SCREENING_LEAD_HASH_KEY=check-only-$$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n') \
	ALERTS_SECRET_KEY=check-only-$$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n') \
	DATABASE_URL=sqlite:///$(CURDIR)/var/check.sqlite3

.PHONY: install run serve test test-sqlite test-postgres e2e browser postgres lint check bench totp clean messages \
	fuzz load drill scaleout

$(BIN)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

install: $(BIN)/.installed

run: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_regions
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@scripts/serve-dev.sh

totp: install
	@$(BIN)/python manage.py demo_totp $(USER)

test: test-sqlite test-postgres e2e

test-sqlite: install
	$(BIN)/pytest -n 2 -q -m "not browser" $(PYTEST_ARGS)

test-postgres: install postgres
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -q -m "not browser" $(PYTEST_ARGS)

# Browser journeys: headless Debian chromium driven by Playwright against a server with the demo data set.
e2e: install browser
	$(BIN)/pytest -n 2 -q -m browser $(PYTEST_ARGS)

# Whole-system checks (issue 13): each is one script under scripts/.
fuzz: install
	@scripts/fuzz.sh

load: install postgres
	@scripts/load.sh

drill: install postgres
	@scripts/drill.sh

scaleout: install postgres
	@scripts/scaleout.sh

browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

postgres:
	@scripts/ensure-postgres.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy homeward bench

check: install
	@mkdir -p var
	$(CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: install
	@set -e; for f in bench/[!_]*.py; do echo "== $$f"; $(BIN)/python $$f; done

messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

clean:
	rm -rf var staticfiles .pytest_cache .mypy_cache .ruff_cache
