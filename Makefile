# MotCua — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
RUN := bin/with-services
# Every command but the tests runs with the demo's stated configuration (DEBUG off, plain http, a
# generated secret key: bin/demo-env); the tests state theirs in tests/settings.py.
DEMO := bin/demo-env $(RUN)

.PHONY: demo test install migrate seed run check lint services-stop backup restore clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(DEMO) $(PY) manage.py migrate --noinput

seed: migrate
	$(DEMO) $(PY) manage.py seed_demo
	$(DEMO) $(PY) scripts/demo_data.py

## make demo: install, migrate, load the demo province and data, run web + worker + beat.
demo: seed
	$(DEMO) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(DEMO) $(PY) scripts/run_demo.py

## make test: the whole suite on real PostgreSQL, Redis and Celery.
test: install
	$(RUN) $(PY) -m pytest -n 2 --dist loadgroup -p no:cacheprovider

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(DEMO) $(PY) manage.py makemigrations --check --dry-run

## make backup: pg_dump of the database + tar of the stored files into var/backups/<timestamp>/.
backup: install
	$(DEMO) $(PY) scripts/backup.py backup

## make restore BACKUP=var/backups/<timestamp>: DROP the database and restore it and the files (asks first).
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<timestamp>"; exit 2; }
	$(DEMO) $(PY) scripts/backup.py restore $(BACKUP)

services-stop:
	$(PY) -m portal.embedded stop

clean:
	rm -rf $(VENV) var staticfiles
