#!/usr/bin/env bash
# Set up and run Newsroom on the embedded SQLite database, with the sample stories loaded:
# http://127.0.0.1:8000 (the admin at /admin/).
source "$(dirname "$0")/bootstrap.sh"

export DEBUG="${DEBUG:-true}"
python manage.py migrate --noinput
python manage.py create_editor editor
# Two of the samples are broken on purpose to show rejections: exit status 2 says "some files
# were rejected", anything else non-zero is a real failure.
status=0
python manage.py import_legacy --quiet samples/legacy-dumps || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
    exit "$status"
fi
python manage.py runserver "${ADDRESS:-127.0.0.1:8000}"
