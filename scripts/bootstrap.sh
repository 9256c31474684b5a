# Sourced by run.sh and test.sh: a virtual environment with the locked dependencies.
# Reinstalls only when the lock file changes. Set PYTHON to choose the interpreter.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Newsroom needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
    exit 1
fi

LOCK=requirements/dev.lock
if [ ! -x .venv/bin/python ]; then
    echo "Creating the virtual environment in .venv"
    "$PYTHON" -m venv .venv
fi
STAMP=.venv/.installed-lock
if ! cmp -s "$LOCK" "$STAMP"; then
    echo "Installing the locked dependencies ($LOCK)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --require-hashes -r "$LOCK"
    cp "$LOCK" "$STAMP"
fi
# The page validators (axe-core, the Nu Html Checker) are npm packages; without npm their tests
# skip and say so. vnu-jar's install script would fetch a Java of its own: the system's is used.
NPM_STAMP=node_modules/.installed-lock
if command -v npm >/dev/null && ! cmp -s package-lock.json "$NPM_STAMP"; then
    echo "Installing the page validators (package-lock.json)"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    cp package-lock.json "$NPM_STAMP"
fi
export PATH="$PWD/.venv/bin:$PATH"
