# 售前管理系统 — everyday commands. `make run` serves the app with demo data; `make test` runs
# the whole suite (unit, API and browser tests). See README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# `uv` if it works, else the copy `make uv` installed with pip (its script dir may not be on PATH).
UV = $(shell uv --version >/dev/null 2>&1 && echo uv || echo python3 -m uv)
# Install exactly what uv.lock says; never re-resolve behind the user's back.
export UV_FROZEN := 1

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
PYTEST_SELECT ?=
# Both cores: pytest-xdist, tests sharing a module-scoped fixture kept on one worker (tests/conftest.py).
PYTEST_XDIST ?= -n 2 --dist loadgroup
BENCH_ARGS ?=
# schemathesis over every API operation (tests/api/test_schemathesis.py) runs in `make test` only
# (SQLite; `make test-pg` leaves it out): this many examples per operation, generation mode and
# user. At 4 the pass costs about 3 minutes of one core (docs/benchmarks.md).
SCHEMATHESIS_EXAMPLES ?= 4
# PostgreSQL used by `make test-pg` (the role needs CREATEDB; pytest-django creates test_<name>).
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
PG_USER ?= postgres

# Apps with their own catalog: every src/presales/<app>/ that has a locale/ folder.
LOCALE_APPS = $(patsubst %/locale/,%,$(wildcard src/presales/*/locale/))

.PHONY: help uv install browser run serve test test-pg messages compilemessages lint bench audit

help:
	@echo "make run              install, migrate, load demo data, serve on http://$(HOST):$(PORT)/"
	@echo "make serve            production shape: gunicorn + Celery worker + beat on local PostgreSQL and Redis, DEBUG off"
	@echo "make test             the whole test suite on SQLite (browser tests and the schemathesis API pass included)"
	@echo "make test-pg          the whole test suite on the local PostgreSQL ($(PG_USER)@$(PG_HOST):$(PG_PORT))"
	@echo "make lint             ruff check src tests"
	@echo "make messages         update each app's zh_Hans catalog (makemessages)"
	@echo "make compilemessages  compile each app's catalogs to .mo (commit the .mo files)"
	@echo "make bench            benchmark harness (presales bench)"
	@echo "make audit            pip-audit over the locked dependencies (needs the advisory database online)"

uv:
	@uv --version >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
	  || PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet uv 2>/dev/null \
	  || PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --user --break-system-packages uv

# The optional LDAP sign-in (extra "ldap": django-auth-ldap, python-ldap) builds against OpenLDAP's and
# Cyrus SASL's headers: installed whenever they are there (apt-get install libldap2-dev libsasl2-dev).
LDAP_EXTRA = $(shell [ -f /usr/include/ldap.h ] && [ -f /usr/include/sasl/sasl.h ] && echo --extra ldap)

install: uv
	@$(UV) sync --frozen --quiet $(LDAP_EXTRA)

browser:
	@scripts/ensure-browser.sh

run: install
	@scripts/ensure-browser.sh || true
	@export DEBUG=1 PRESALES_DEMO=1 PRESALES_BASE_URL="http://$(HOST):$(PORT)" \
	  EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend} \
	  EMAIL_FILE_PATH=$${EMAIL_FILE_PATH:-$(CURDIR)/var/mail}; set -e; \
	$(UV) run presales migrate --noinput -v 0; \
	$(UV) run presales demo_data --if-empty; \
	echo; \
	echo "================================================================"; \
	echo "  售前管理系统 is running at  http://$(HOST):$(PORT)/"; \
	echo "  Demo logins (password demo12345): demo 售前经理, zhoujianguo 部门负责人,"; \
	echo "  engineer 售前工程师, sales 销售, liuyang 考核委员会 — also listed on the login page."; \
	echo "  E-mail is written to $$EMAIL_FILE_PATH, not sent."; \
	echo "  Stop with Ctrl+C."; \
	echo "================================================================"; \
	echo; \
	exec $(UV) run presales runserver --skip-checks $(HOST):$(PORT)

# Production shape on this machine (see README.md and docs/deployment.md). HOST, PORT, WORKERS.
serve: install
	@HOST=$(HOST) PORT=$(PORT) PG_HOST=$(PG_HOST) PG_PORT=$(PG_PORT) PG_USER=$(PG_USER) scripts/serve.sh

# pytest exit code 5 means "no tests collected": that is a failure, not a success.
define PYTEST
	rc=0; $(UV) run pytest $(PYTEST_XDIST) $(PYTEST_SELECT) $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "ERROR: no tests ran" >&2; fi; \
	exit $$rc
endef

test: install browser
	@export PRESALES_ALLOW_INSECURE_KEY=1 PRESALES_SCHEMATHESIS=1 SCHEMATHESIS_EXAMPLES=$(SCHEMATHESIS_EXAMPLES); \
	$(PYTEST)

# A throw-away database per run, dropped on exit (together with pytest-django's test_<name>).
# The browser journeys run once, on SQLite (`make test`): they drive the same views and services.
test-pg: PYTEST_SELECT = -m "not browser"
test-pg: install browser
	@set -e; \
	db="presales_ci_$$(date +%Y%m%d%H%M%S)_$$$$"; \
	psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h $(PG_HOST) -p $(PG_PORT) -U $(PG_USER) -d postgres "$$@"; }; \
	cleanup() { psql_admin -c "DROP DATABASE IF EXISTS \"test_$$db\" WITH (FORCE)" \
	                       -c "DROP DATABASE IF EXISTS \"$$db\" WITH (FORCE)" || true; }; \
	trap cleanup EXIT; \
	createdb -h $(PG_HOST) -p $(PG_PORT) -U $(PG_USER) "$$db"; \
	echo "PostgreSQL database: $$db"; \
	export DATABASE_URL="postgres://$(PG_USER)@$(PG_HOST):$(PG_PORT)/$$db"; \
	export PRESALES_ALLOW_INSECURE_KEY=1; unset PRESALES_SCHEMATHESIS; \
	set +e; $(PYTEST)

messages: install
	@set -e; for app in $(LOCALE_APPS); do \
	  echo "== $$app"; \
	  (cd $$app && $(UV) run django-admin makemessages -l zh_Hans --ignore 'migrations/*' \
	     -e html,py,txt --no-obsolete --add-location file); \
	done

compilemessages: install
	@set -e; export PRESALES_ALLOW_INSECURE_KEY=1; for app in $(LOCALE_APPS); do \
	  echo "== $$app"; (cd $$app && $(UV) run presales compilemessages); \
	done

lint: install
	@$(UV) run ruff check src tests

bench: install
	@export PRESALES_ALLOW_INSECURE_KEY=1 STATIC_MANIFEST=$${STATIC_MANIFEST:-0}; \
	$(UV) run presales bench $(BENCH_ARGS)

# Known vulnerabilities in the locked dependencies (the exact versions of uv.lock). Needs the
# advisory database (PyPI / OSV) online: not reachable from the project's machines, so CI skips it.
audit: install
	@set -e; req=$$(mktemp); trap 'rm -f "$$req"' EXIT; \
	$(UV) export --frozen --no-hashes --no-emit-project --format requirements-txt >"$$req"; \
	$(UV) run --with pip-audit pip-audit --strict --disable-pip --no-deps -r "$$req"
