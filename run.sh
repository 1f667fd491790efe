#!/usr/bin/env bash
# ./run.sh            start the API server (embedded in-memory database unless MONGO_DB_URI is set)
# ./run.sh CMD ...    run CMD inside the project's virtual environment, e.g. ./run.sh pytest
# Creates .venv on first use and installs the requirements only when they changed.
set -euo pipefail
# WEBAPP_DIR may be given relative to where run.sh was called from.
if [ -n "${WEBAPP_DIR:-}" ]; then WEBAPP_DIR=$(cd "$WEBAPP_DIR" && pwd); export WEBAPP_DIR; fi
cd "$(dirname "$0")"

venv=${VENV_DIR:-.venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
stamp="$venv/.requirements.sha256"
wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  echo "run.sh: installing requirements into $venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$wanted" > "$stamp"
fi
export PATH="$PWD/$venv/bin:$PATH"

if [ $# -gt 0 ]; then
  exec "$@"
fi
exec gunicorn app:app -c config/gunicorn_conf.py
