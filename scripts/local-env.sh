# Sourced by run.sh and manage.sh: the one local environment they share, so that a command run
# by hand sees the same virtual environment, database and settings as the site run.sh serves.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

# Local development: DEBUG on, which also gives a local SECRET_KEY and local ALLOWED_HOSTS.
export DEBUG="${DEBUG:-true}"
# Where run.sh serves the site: host:port, or a port alone (on 127.0.0.1).
ADDRESS="${ADDRESS:-127.0.0.1:8000}"
[[ "$ADDRESS" == *:* ]] || ADDRESS="127.0.0.1:$ADDRESS"
