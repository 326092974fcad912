# Two commands set everything up: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint audit bench messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@# The task worker and the periodic jobs (reminders, deadlines) run beside Daphne and
	@# stop with it.
	$(BIN)/python manage.py db_worker & worker=$$!; \
	$(BIN)/python manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/daphne -b $(HOST) -p $(PORT) unionhome.config.asgi:application

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

# The suite runs twice: on the embedded SQLite default (browser tests included), then
# every test but the browser and embedded-default ones against PostgreSQL (TEST_DATABASE_URL), where the
# race and scale-out tests run too. Missing services skip with a reason unless
# REQUIRE_SERVICES=1 (CI), where they fail.
# Known vulnerabilities in the pinned dependencies fail the build; an unreachable advisory
# service is reported and does not (docs/security.md).
audit: $(STAMP)
	$(BIN)/python .ci/audit_dependencies.py

test: lint audit
	$(BIN)/pytest -m "not postgres"
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m "not browser and not embedded and not sqlite_pass"

test-fast: $(STAMP)
	$(BIN)/pytest -m "not postgres and not browser" -x -q

# Benchmarks print ratios against a baseline measured in the same run (docs/performance.md).
# Set DATABASE_URL to a PostgreSQL database to run them there (the ballots tally wants it).
bench: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python bench/run.py $(BENCH)

# Catalogs: locale/ for the union core (unionhome), and one per app beside its code.
APP_CATALOGS := unionhome/ballots unionhome/care unionhome/audit bargaining bargaining/contracts \
	bargaining/consultations legalaid legalaid/complaints cms
MAKEMESSAGES = DJANGO_SETTINGS_MODULE=unionhome.config.settings PYTHONPATH=$(CURDIR) \
	$(CURDIR)/$(BIN)/django-admin makemessages -l zh_Hans --no-location --no-obsolete
messages: $(STAMP)
	$(MAKEMESSAGES) --ignore=.venv --ignore=tests --ignore=bench --ignore=var --ignore=static \
		--ignore=bargaining --ignore=legalaid --ignore=cms --ignore=unionhome/ballots \
		--ignore=unionhome/care --ignore=unionhome/audit
	@# bargaining/contracts, bargaining/consultations and legalaid/complaints keep their own
	@# catalogs; the patterns also match template folders of the same names, so they are
	@# given to the parent apps only.
	cd bargaining && $(MAKEMESSAGES) --ignore=contracts --ignore=consultations
	cd legalaid && $(MAKEMESSAGES) --ignore=complaints
	for app in $(filter-out bargaining legalaid,$(APP_CATALOGS)); do (cd $$app && $(MAKEMESSAGES)) || exit 1; done
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var static
