#!/usr/bin/env bash
# Set up and run Newsroom on the embedded SQLite database, with the sample stories loaded:
# http://127.0.0.1:8000 (the admin at /admin/).
source "$(dirname "$0")/bootstrap.sh"

export DEBUG="${DEBUG:-true}"
python manage.py migrate --noinput
python manage.py create_editor editor
python manage.py runserver "${ADDRESS:-127.0.0.1:8000}"
