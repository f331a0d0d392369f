# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate demo admin lint lock

run: install migrate demo
	@echo
	@echo "  Site:  http://$(HOST):$(PORT)/     Admin: http://$(HOST):$(PORT)/admin/"
	@echo "  No login exists until you make one: run 'make admin' in another terminal."
	@echo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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
