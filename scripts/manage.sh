#!/usr/bin/env bash
# Run a management command with the environment scripts/run.sh uses (its virtual environment,
# its database, DEBUG on), e.g. `./scripts/manage.sh changepassword editor`.
source "$(dirname "$0")/local-env.sh"
exec python manage.py "$@"
