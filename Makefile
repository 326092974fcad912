# Two commands set everything up: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint bench messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/daphne -b $(HOST) -p $(PORT) unionhome.asgi:application

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

# The suite runs twice: on the embedded SQLite default (browser tests included), then
# every test but the browser ones against PostgreSQL (TEST_DATABASE_URL), where the
# race and scale-out tests run too. Missing services skip with a reason unless
# REQUIRE_SERVICES=1 (CI), where they fail.
test: lint
	$(BIN)/pytest -m "not postgres"
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m "not browser"

test-fast: $(STAMP)
	$(BIN)/pytest -m "not postgres and not browser" -x -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var static
