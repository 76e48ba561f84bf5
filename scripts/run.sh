#!/usr/bin/env bash
# `make run`: set up the embedded SQLite installation with demo data and serve the web UI.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh runtime
py=.venv/bin/python
port=${PORT:-8000}

echo "==> Preparing the database (${DATABASE_URL:-SQLite in var/})"
$py manage.py migrate --no-input -v0
$py manage.py load_reference
$py manage.py load_demo
$py manage.py collectstatic --no-input -v0

echo
echo "==> Rogatory is at http://127.0.0.1:$port/  (Ctrl-C stops it)"
if [ "${1:-}" = "--dev" ]; then
  exec $py manage.py runserver "127.0.0.1:$port"
fi
exec .venv/bin/gunicorn rogatory.wsgi --bind "127.0.0.1:$port" --workers 2 --threads 4 \
  --access-logfile - --error-logfile -
