# Two commands: `make run` sets everything up and serves the app; `make test` runs the whole test suite.
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
PYTHON := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast screenshots lint typecheck format messages install clean backup restore

run: install .env
	$(PYTHON) manage.py collectstatic --no-input --verbosity 0
	$(PYTHON) manage.py migrate --no-input
	$(PYTHON) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ with the tasks worker, which prints the emails (Ctrl-C stops both)"
	@# The worker sends the emails, as in production; it stops with the server. --no-reload: restart `make run`
	@# after changing a task's code (the server reloads itself).
	$(PYTHON) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(PYTHON) manage.py runserver $(HOST):$(PORT)

test: install .env
	$(PYTHON) manage.py collectstatic --no-input --verbosity 0
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# Everything but the browser journeys: the quick loop while working.
test-fast: install .env
	$(PYTHON) -m pytest -m "not browser" $(PYTEST_ARGS)

# Refresh the screenshots the docs show (test runs write theirs under test-results/ instead).
screenshots: install .env
	$(PYTHON) manage.py collectstatic --no-input --verbosity 0
	SCREENSHOTS_DIR=docs/screenshots $(PYTHON) -m pytest -m browser $(PYTEST_ARGS)

# Requests per second, p95 and queries of every page on a seeded PostgreSQL database (DATABASE_URL), against the
# baselines and the Django admin (needs wrk): docs/benchmarks.md. E.g. BENCH_ARGS="--write docs/benchmarks.md".
.PHONY: bench
bench: install .env
	$(PYTHON) scripts/bench.py $(BENCH_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: install .env
	.venv/bin/mypy

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# Update the Spanish catalogue from the code and templates, then compile it (needs gettext).
messages: install .env
	$(PYTHON) manage.py makemessages --locale es --no-obsolete --add-location file --ignore '.venv/*' --ignore '.tools/*' --ignore 'staticfiles/*'
	$(PYTHON) manage.py compilemessages --locale es --ignore '.venv/*' --ignore '.tools/*'

# An encrypted backup of the database into BACKUP_DIR; deletes those older than BACKUP_RETENTION_DAYS
# (docs/operations.md, "Backups"). No `.env` prerequisite: on a server the settings come from its environment.
backup: install
	$(PYTHON) manage.py backup

# Restore a backup into an empty database, then read every encrypted value back with the keys:
# make restore BACKUP=/path/to/referrals-....age IDENTITY=/path/to/identity.txt (docs/operations.md, "Restore drill").
restore: install
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=path/to/backup.age [IDENTITY=path/to/identity.txt]" >&2; exit 2; }
	$(PYTHON) manage.py restore "$(BACKUP)" $(if $(IDENTITY),--identity "$(IDENTITY)")

install: .venv/.synced

.venv/.synced: uv.lock pyproject.toml .python-version | $(UV)
	$(UV) sync --frozen
	@touch $@

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# A development settings file, made once; real environment variables still win over it.
.env:
	@python3 -c 'import base64, secrets; print("DEBUG=True"); print("SECRET_KEY=" + secrets.token_urlsafe(64)); print("FIELD_ENCRYPTION_KEYS=" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()); print("FIELD_HASH_KEY=" + secrets.token_urlsafe(32)); print("# The demo accounts sign in without a second factor. Production always requires one."); print("MFA_REQUIRED=False")' > $@
	@echo "Wrote a development .env"

clean:
	rm -rf .venv .tools staticfiles
