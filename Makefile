# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run worker test install messages po migrate demo admin lint lock advisories audit

run: install messages migrate demo
	@echo
	@echo "  Site:  http://$(HOST):$(PORT)/     Admin: http://$(HOST):$(PORT)/admin/"
	@echo "  No login exists until you make one: run 'make admin' in another terminal."
	@echo
	@# The background worker (imports' checks, exports, re-indexing) beside the site; it
	@# stops with it.
	$(BIN)/python manage.py db_worker & trap "kill $$!" EXIT INT TERM; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The background worker alone (docs/operations.md, "Background work").
worker: install migrate
	$(BIN)/python manage.py db_worker

# One test process per core (pytest-xdist), each with its own test database
# (test_<name>_gw0, ...); a file's tests stay in one process, so a module's fixtures are
# built once. TEST_PROCESSES=0 runs them in this process.
TEST_PROCESSES ?= auto
test: install messages
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

install: $(VENV)/.installed .env

# Development: the runtime pins plus the tools (pytest, ruff, Playwright, the embedded
# PostgreSQL). Production installs requirements.lock only (README, "Production").
$(VENV)/.installed: requirements-dev.lock pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13) and "Python 3.11 to 3.13 is required (set PYTHON=/path/to/python3)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

.env:
	cp .env.example .env

# The interface's translations: locale/<lang>/LC_MESSAGES/django.po, compiled to the .mo
# files Django reads (built, not in git). compilemessages runs GNU gettext's msgfmt; without
# it the pages stay in English, and this says how to get it (docs/i18n.md).
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var >/dev/null; \
	else \
		echo "GNU gettext's msgfmt is missing, so the interface is English only."; \
		echo "Install it (Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext)"; \
		echo "and run 'make messages'."; \
	fi

# After adding or changing a marked string: refresh every language's .po files (GNU gettext's
# xgettext and msgmerge), then translate the new entries (docs/i18n.md): django.po from the
# code and templates, djangojs.po from the scripts of static/js (not the vendored ones).
po: install
	$(BIN)/python manage.py makemessages $(foreach lang,uk fr es ar,-l $(lang)) \
		--add-location=file --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks
	$(BIN)/python manage.py makemessages -d djangojs $(foreach lang,uk fr es ar,-l $(lang)) \
		--add-location=file --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks \
		--ignore=static/vendor

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: install
	$(BIN)/python manage.py load_demo

admin: install
	$(BIN)/python manage.py createsuperuser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-pin every dependency after editing pyproject.toml: the runtime lock first, then the
# development lock constrained to the same versions.
lock: install
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --quiet \
		-c requirements.lock -o requirements-dev.lock

# The dependency audit (docs/security.md "Dependency audit"): the runtime lock against the
# snapshot of the PyPA advisory database in security/advisories/, offline, as CI runs it.
audit: install
	$(BIN)/python security/audit_dependencies.py check requirements.lock

# For a maintainer with GitHub access, after `make lock` and at least every 90 days: rebuild
# security/advisories/ from a fresh clone, for every package of requirements.lock; then run
# `make audit` and commit the folder.
ADVISORY_DATABASE ?= https://github.com/pypa/advisory-database
ADVISORY_CLONE := var/advisory-database
advisories: install
	rm -rf $(ADVISORY_CLONE)
	git clone --quiet --depth 1 $(ADVISORY_DATABASE) $(ADVISORY_CLONE)
	$(BIN)/python security/audit_dependencies.py refresh $(ADVISORY_CLONE) requirements.lock
	rm -rf $(ADVISORY_CLONE)
