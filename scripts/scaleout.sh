#!/usr/bin/env bash
# `make scaleout`: the RQ task backend on the local Redis with two worker processes, on a PostgreSQL database of
# its own. Proves jobs spread across the workers, a job whose worker is SIGKILLed mid-run is retried and completes
# once (nothing lost), and a webhook delivery cut off mid-send is sent again with the same webhook-id.
# SCALEOUT_JOBS (default 40), SCALEOUT_REDIS_URL (a dedicated Redis database: it is emptied; default db 14),
# SCALEOUT_DB (default homeward_scaleout: dropped and re-created). Exits non-zero when a property does not hold.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
DB=${SCALEOUT_DB:-homeward_scaleout}
PG=${SCALEOUT_PG:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d "${TMPDIR:-/tmp}/homeward-scaleout.XXXXXX")
trap '[[ -n "${SCALEOUT_KEEP:-}" ]] || rm -rf "$work"' EXIT

export DJANGO_SETTINGS_MODULE=homeward.settings.dev HOMEWARD_VAR_DIR="$work" \
	DATABASE_URL="$PG/$DB" TASKS_BACKEND=rq REDIS_URL="${SCALEOUT_REDIS_URL:-redis://127.0.0.1:6379/14}" \
	RQ_RETRY_INTERVALS=0

if ! $BIN/python -c "import redis, os; redis.Redis.from_url(os.environ['REDIS_URL'], socket_connect_timeout=2).ping()"; then
	echo "scaleout: Redis does not answer at $REDIS_URL" >&2
	exit 2
fi
echo "scaleout: fresh database $DB"
dropdb --if-exists -h 127.0.0.1 -U postgres "$DB"
createdb -h 127.0.0.1 -U postgres "$DB"
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py load_regions >/dev/null
$BIN/python scripts/scaleout.py --jobs "${SCALEOUT_JOBS:-40}" --log-dir "$work"
