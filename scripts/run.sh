#!/usr/bin/env bash
# Set up and run Newsroom on the embedded SQLite database, with the sample archive and a demo
# newsroom loaded: http://127.0.0.1:8000 (the admin at /admin/; ADDRESS=host:port to change it).
source "$(dirname "$0")/local-env.sh"

echo "Preparing the database"
python manage.py migrate --noinput --verbosity 0
login="$(python manage.py create_editor editor)"
if [[ "$login" != *"login:"* ]]; then
    login="Editor login: editor (its password was printed on the first run; ./scripts/manage.sh changepassword editor sets a new one)"
fi

# The sample archive: two of its files are broken on purpose, to show how the import reports
# rejections. Exit status 2 means "some files were rejected"; anything else non-zero is a failure.
echo "Importing the sample archive (samples/legacy-dumps: two files are broken on purpose)"
status=0
python manage.py import_legacy --quiet samples/legacy-dumps || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
    exit "$status"
fi
# A few dozen stories of the last days, once: the command leaves an existing demo alone.
python manage.py demo_newsroom
# The agencies' sample files in the wire queue (admin, "Agency wires"): again is a no-op.
echo "Reading the sample agency wires (samples/wires) into the wire queue"
python manage.py ingest_wires samples/wires

echo
echo "Newsroom: http://$ADDRESS/  (the editors' admin: http://$ADDRESS/admin/)"
echo "$login"
echo
exec python manage.py runserver "$ADDRESS"
