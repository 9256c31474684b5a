#!/usr/bin/env bash
# Set up and run every check: lint, format, migrations, and the whole test suite.
# The database is DATABASE_URL (default: the embedded SQLite). Extra arguments go to pytest.
source "$(dirname "$0")/bootstrap.sh"

ruff check .
ruff format --check .
SECRET_KEY=makemigrations-check python manage.py makemigrations --check --dry-run

status=0
python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure, not a pass" >&2
fi
exit "$status"
