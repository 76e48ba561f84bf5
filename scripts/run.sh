#!/usr/bin/env bash
# `make run`: set up the embedded SQLite installation with demo data and serve the web UI.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh runtime
# Everything the service writes from here (database, documents, uploads, keys, static files)
# is for its user alone.
umask 077
py=.venv/bin/python
port=${PORT:-8000}

echo "==> Preparing the database (${DATABASE_URL:-SQLite in var/})"
$py manage.py migrate --no-input -v0
# Private modes for what older installations made readable; what a crash left, removed.
$py manage.py secure_storage
$py manage.py load_reference
$py manage.py load_demo
# The demo installation is one node of the secure exchange hosting every demo authority (a
# regional hub): their requests to each other travel through the same protocol and evidence
# as between two nodes. Idempotent; the endpoint follows the port.
$py manage.py exchange_init --node-id "${EXCHANGE_NODE_ID:-demo-node}" \
  --endpoint "http://127.0.0.1:$port/exchange/v1" >/dev/null
$py manage.py collectstatic --no-input -v0

# The delivery worker of the exchange runs beside the web server and stops with it, and so
# does the upload worker, which checks and stores large files uploaded in chunks, and the
# report worker, which writes statistics reports of large periods.
$py manage.py exchange_worker &
worker=$!
$py manage.py process_uploads --loop &
upload_worker=$!
$py manage.py generate_reports --loop &
report_worker=$!
trap 'kill "$worker" "$upload_worker" "$report_worker" 2>/dev/null
  wait "$worker" "$upload_worker" "$report_worker" 2>/dev/null' EXIT INT TERM

echo
echo "==> Rogatory is at http://127.0.0.1:$port/  (Ctrl-C stops it)"
if [ "${1:-}" = "--dev" ]; then
  $py manage.py runserver "127.0.0.1:$port"
else
  # Workers and threads: scripts/gunicorn.conf.py (measured in docs/benchmarks.md, "Capacity").
  .venv/bin/gunicorn rogatory.wsgi -c scripts/gunicorn.conf.py --bind "127.0.0.1:$port"
fi
