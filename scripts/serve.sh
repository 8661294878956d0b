#!/usr/bin/env bash
# `make serve`: the production shape on this machine. gunicorn (several workers), one Celery worker
# and one Celery beat, on the local PostgreSQL (database `presales`, created if missing) and Redis,
# DEBUG off, static files collected with the manifest storage, a generated SECRET_KEY kept outside
# the repository. Same migrate + demo data path as `make run`. Ctrl+C stops every process.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WORKERS:-4}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
SERVE_DB=${SERVE_DB:-presales}
SERVE_REDIS_URL=${SERVE_REDIS_URL:-redis://127.0.0.1:6379/0}
BIN=.venv/bin

# --- the secret key: generated once, kept in the user's configuration folder, never in the repo ---
config_dir="${XDG_CONFIG_HOME:-$HOME/.config}/presales"
key_file="$config_dir/secret_key"
if [ ! -s "$key_file" ]; then
  mkdir -p "$config_dir" && chmod 700 "$config_dir"
  (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(64))' >"$key_file")
  echo "serve: generated a secret key in $key_file"
fi
SECRET_KEY=$(cat "$key_file")

# --- services: PostgreSQL and Redis must answer; the database is created if missing -------------
if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
  echo "serve: PostgreSQL is not answering on $PG_HOST:$PG_PORT" >&2; exit 1
fi
if [ "$(psql -X -qtA -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres \
        -c "SELECT 1 FROM pg_database WHERE datname = '$SERVE_DB'")" != "1" ]; then
  createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$SERVE_DB"
  echo "serve: created database $SERVE_DB"
fi
"$BIN/python" - "$SERVE_REDIS_URL" <<'PY' || { echo "serve: Redis is not answering at $SERVE_REDIS_URL" >&2; exit 1; }
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
PY

export SECRET_KEY DEBUG=0 STATIC_MANIFEST=1 DJANGO_SETTINGS_MODULE=presales.settings
export DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$SERVE_DB"
export REDIS_URL="$SERVE_REDIS_URL"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export PRESALES_DATA_DIR="${PRESALES_DATA_DIR:-$PWD/var/serve}"   # static, media, beat schedule (var/ is gitignored)
export PRESALES_BASE_URL="${PRESALES_BASE_URL:-http://$HOST:$PORT}"
export LOG_LEVEL="${LOG_LEVEL:-INFO}"
mkdir -p "$PRESALES_DATA_DIR/log"

"$BIN/presales" migrate --noinput
"$BIN/presales" demo_data --if-empty
"$BIN/presales" collectstatic --noinput -v 0

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "serve: stopping ${pids[*]:-}"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "serve: stopped"
}
trap stop INT TERM EXIT

# --preload: the application (and its URLconf, see presales/wsgi.py) is loaded once, before the
# workers fork, so no worker pays the imports in its first request.
"$BIN/gunicorn" presales.wsgi --preload --bind "$HOST:$PORT" --workers "$WORKERS" --timeout 60 \
  --access-logfile "$PRESALES_DATA_DIR/log/access.log" --error-logfile - &
pids+=($!)
"$BIN/celery" -A presales worker --loglevel INFO --concurrency 2 -n "serve@%h" \
  >"$PRESALES_DATA_DIR/log/worker.log" 2>&1 &
pids+=($!)
"$BIN/celery" -A presales beat --loglevel INFO --schedule "$PRESALES_DATA_DIR/celerybeat-schedule" \
  >"$PRESALES_DATA_DIR/log/beat.log" 2>&1 &
pids+=($!)
# The OpenAPI schema as a file too, for clients that want one (the site caches its own), written in
# the background: it takes seconds and nothing waits for it.
("$BIN/presales" spectacular --file "$PRESALES_DATA_DIR/openapi.yaml" \
  >"$PRESALES_DATA_DIR/log/spectacular.log" 2>&1 || true) &

echo
echo "================================================================"
echo "  售前管理系统 (production mode) at  http://$HOST:$PORT/"
echo "  gunicorn $WORKERS workers · Celery worker · Celery beat"
echo "  PostgreSQL $SERVE_DB on $PG_HOST:$PG_PORT · Redis $SERVE_REDIS_URL · DEBUG off"
"$BIN/python" -c "
import django
django.setup()
from presales.demo.company import DEMO_PASSWORD, LOGINS
print('  Demo logins (password ' + DEMO_PASSWORD + '):')
for user, what in LOGINS:
    print(f'    {user:<9} {what}')" 2>/dev/null || echo "  Demo login: demo / demo12345"
echo "  Logs: $PRESALES_DATA_DIR/log/ (access, worker, beat)"
echo "  Stop with Ctrl+C."
echo "================================================================"
echo

# Exit (and stop the others) as soon as any of the three exits.
wait -n "${pids[@]}"
echo "serve: a process exited" >&2
