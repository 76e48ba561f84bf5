#!/usr/bin/env bash
# `make test`: install what the tests need, check style, types and migrations, then run the
# whole suite on SQLite and, when one answers at 127.0.0.1:5432, on PostgreSQL.
#   REQUIRE_POSTGRES=1  fail (instead of skipping) when PostgreSQL is not reachable (CI sets it)
#   REQUIRE_BROWSER=1   fail (instead of skipping) the browser tests when Chromium is missing
#   PYTEST_ARGS=...     extra arguments for pytest, e.g. PYTEST_ARGS="-k iccs"
#   PYTEST_WORKERS=N    parallel pytest-xdist workers (default: 2, the CI machine's cores; 0 = none)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh dev
py=.venv/bin/python

# Tests never write the developer's var/: a throw-away data folder and a fixed key.
export DATA_DIR=${TEST_DATA_DIR:-$(mktemp -d)}
export SECRET_KEY=test-only-secret-key-not-for-production-0123456789abcdef
export DEBUG=0 HTTPS=0
unset DATABASE_URL EMAIL_HOST

echo "==> Static checks"
.venv/bin/ruff format --check rogatory scripts bench
.venv/bin/ruff check rogatory scripts bench
.venv/bin/mypy rogatory
$py manage.py makemigrations --check --dry-run -v1 >/dev/null || {
  echo "error: models changed without a migration (run manage.py makemigrations)" >&2; exit 1; }
[ "${1:-}" = "--lint-only" ] && exit 0

# Browser tests drive Debian's Chromium; install it (and CJK fonts, so screenshots of Chinese
# pages are legible) when missing and we may.
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> Installing Debian's chromium and fonts-noto-cjk for the browser tests"
    { apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; } ||
      echo "warning: apt-get could not install chromium/fonts-noto-cjk" >&2
  elif [ ! -x /usr/bin/chromium ]; then
    echo "warning: /usr/bin/chromium is missing and we are not root: browser tests will skip" >&2
  fi
fi

mkdir -p test-artifacts
# Each worker has its own test database and data folder (settings.py); pytest-django runs the
# transactional tests (browser, migrations) after the others in each worker, as without xdist.
workers=(-n "${PYTEST_WORKERS:-2}")
[ "${PYTEST_WORKERS:-2}" = 0 ] && workers=()
results=()
status=0

echo "==> Test suite on SQLite"
if DATABASE_URL="sqlite:///$DATA_DIR/test.sqlite3" $py -m pytest "${workers[@]}" ${PYTEST_ARGS:-}; then
  results+=("SQLite: passed")
else
  results+=("SQLite: FAILED"); status=1
fi

pg_url="postgresql://postgres@127.0.0.1:5432/postgres"
if $py -c "import psycopg, sys; psycopg.connect('$pg_url', connect_timeout=3).close()" 2>/dev/null
then
  # Django creates test_<name> from this name and drops it at the end: a throw-away database.
  db="rogatory_$$"
  echo "==> Test suite on PostgreSQL (127.0.0.1:5432, throw-away database test_$db)"
  if DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db" $py -m pytest "${workers[@]}" ${PYTEST_ARGS:-}; then
    results+=("PostgreSQL: passed")
  else
    results+=("PostgreSQL: FAILED"); status=1
  fi
elif [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
  results+=("PostgreSQL: FAILED (not reachable at 127.0.0.1:5432 and REQUIRE_POSTGRES=1)")
  status=1
else
  results+=("PostgreSQL: SKIPPED (nothing answers at 127.0.0.1:5432)")
fi

echo
echo "==> Backends"
for line in "${results[@]}"; do echo "    $line"; done
echo "    Screenshots from the browser tests: test-artifacts/"
exit $status
