#!/usr/bin/env bash
# `make drill`: backup/restore and database outage drill on a PostgreSQL instance of its own (never the shared one).
#
#  1. initdb a throwaway PostgreSQL under var/drill/pg on port DRILL_PG_PORT (default 55432); migrate, load_regions,
#     load_demo into database homeward_drill
#  2. count the rows of every table, verify the audit chain; back up (scripts/backup.sh: pg_dump -Fc + the encrypted
#     key archive); DESTROY: drop the database and delete the key files
#  3. restore (scripts/restore.sh) into a fresh database homeward_restored; compare row counts table by table,
#     verify the audit chain, decrypt an encrypted care field with the restored key (and fail to without it)
#  4. outage: gunicorn against the restored database (persistent connections on); tips submitted, and a stream of
#     API tips all along; PostgreSQL stopped (3 s) -> 503 pages and JSON, tip refused and says so; PostgreSQL
#     started -> the same gunicorn accepts tips, refused ones sent again with their idempotency key are accepted;
#     every accepted tip is in the database exactly once, the refused one is not, and the audit chain verifies
# Prints figures; exits non-zero on any failure. See docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
DRILL=${DRILL_DIR:-$ROOT/var/drill}
PORT=${DRILL_PG_PORT:-55432}
PGBIN=${PGBIN:-$(dirname "$(command -v pg_ctl 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")}
PGDATA=$DRILL/pg
SOCK=$DRILL/sock
export PATH=$PGBIN:$PATH
t_start=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
step() { printf '\n== %s\n' "$*"; }
die() { echo "DRILL FAILED: $*" >&2; exit 1; }

# PostgreSQL refuses to run as root: run its server commands as the postgres user then.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_start() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$DRILL/postgres.log" -w -t 60 \
  -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1" start >/dev/null; }
pg_stop() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null; }

APP_PID=""
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
  [ -f "$PGDATA/postmaster.pid" ] && pg_stop 2>/dev/null
  true
}
trap cleanup EXIT

if [ "$PORT" = 5432 ]; then die "DRILL_PG_PORT must not be the shared server's port 5432"; fi
if [ -f "$PGDATA/postmaster.pid" ]; then pg_stop || true; fi
rm -rf "$DRILL"
mkdir -p "$DRILL/backups" "$SOCK" "$DRILL/var"
[ "$(id -u)" = 0 ] && chown postgres "$DRILL" "$SOCK"

step "1. own PostgreSQL on 127.0.0.1:$PORT ($("$PGBIN/postgres" --version)), demo data"
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DRILL/initdb.log"
pg_start
SERVER=postgres://postgres@127.0.0.1:$PORT
export DJANGO_SETTINGS_MODULE=homeward.settings.dev DEBUG=false HOMEWARD_VAR_DIR=$DRILL/var
export SECRET_KEY="drill-$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')"
export SCREENING_LEAD_HASH_KEY="drill-lead-$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')"
export DATABASE_URL=$SERVER/homeward_drill
createdb --maintenance-db="$SERVER/postgres" homeward_drill
t=$(date +%s.%N)
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_regions
"$PY" manage.py load_demo >"$DRILL/load_demo.log"
"$PY" manage.py verify_audit_chain --chain-first 2>/dev/null || "$PY" manage.py verify_audit_chain
echo "  migrate + reference + demo data: $(elapsed "$t") s"

step "2. back up, then destroy"
"$PY" scripts/drill/dbcheck.py counts "$DRILL/counts-before.json"
head -c 32 /dev/urandom | base64 >"$DRILL/passphrase" && chmod 600 "$DRILL/passphrase"
export KEY_BACKUP_PASSPHRASE_FILE=$DRILL/passphrase
t=$(date +%s.%N)
stamp=$(scripts/backup.sh "$DRILL/backups")
backup_s=$(elapsed "$t")
echo "  backup took $backup_s s"
dropdb --maintenance-db="$SERVER/postgres" homeward_drill
media_before=$(find "$DRILL/var/media" -type f 2>/dev/null | wc -l)
rm -f "$DRILL/var/care_field.key"
rm -rf "$DRILL/var/alerts-signing" "$DRILL/var/media"
echo "  database homeward_drill dropped; care field key, CAP signing key and $media_before media files deleted"
psql -q -d "$SERVER/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'homeward_drill'" | grep -q 1 \
  && die "the database is still there"

step "3. restore into a fresh database, verify"
export DATABASE_URL=$SERVER/homeward_restored
t=$(date +%s.%N)
TARGET_DATABASE_URL=$DATABASE_URL scripts/restore.sh "$DRILL/backups" "$stamp" "$DRILL/restored-keys"
restore_s=$(elapsed "$t")
echo "  restore took $restore_s s"
# The secrets come back from the key archive (keys.env), not from this shell.
unset SECRET_KEY SCREENING_LEAD_HASH_KEY
set -a; . "$DRILL/restored-keys/keys.env"; set +a
"$PY" manage.py migrate --check --noinput -v0 || die "the restored schema is not at the code's migration state"
"$PY" scripts/drill/dbcheck.py counts "$DRILL/counts-after.json"
"$PY" scripts/drill/dbcheck.py compare "$DRILL/counts-before.json" "$DRILL/counts-after.json" \
  || die "row counts differ after restore"
"$PY" manage.py verify_audit_chain || die "audit chain broken after restore"
media_after=$(find "$DRILL/var/media" -type f 2>/dev/null | wc -l)
[ "$media_after" = "$media_before" ] || die "media files: $media_before backed up, $media_after restored"
echo "  media files: $media_before before, $media_after restored"
"$PY" scripts/drill/dbcheck.py care-decrypt || die "encrypted care field does not decrypt with the restored key"
mv "$DRILL/var/care_field.key" "$DRILL/care_field.key.restored"
"$PY" scripts/drill/dbcheck.py care-decrypt --expect-fail || die "care field readable without its key"
mv "$DRILL/care_field.key.restored" "$DRILL/var/care_field.key"

step "4. database outage while the application runs"
# The stop and start commands the outage script runs (it cannot call this shell's functions).
cat >"$DRILL/pg-stop.sh" <<EOS
#!/usr/bin/env bash
$(declare -f as_pg pg_stop)
PGBIN='$PGBIN' PGDATA='$PGDATA' pg_stop
EOS
cat >"$DRILL/pg-start.sh" <<EOS
#!/usr/bin/env bash
$(declare -f as_pg pg_start)
PGBIN='$PGBIN' PGDATA='$PGDATA' DRILL='$DRILL' PORT='$PORT' SOCK='$SOCK' pg_start
EOS
chmod +x "$DRILL/pg-stop.sh" "$DRILL/pg-start.sh"
APP_PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATABASE_CONN_MAX_AGE=60 DJANGO_SETTINGS_MODULE=drill_settings \
  "$ROOT/.venv/bin/gunicorn" homeward.wsgi:application --chdir "$ROOT" --pythonpath "$ROOT/scripts/drill" --bind "127.0.0.1:$APP_PORT" --workers 2 --timeout 60 \
  --access-logfile "$DRILL/access.log" --error-logfile "$DRILL/app.log" &
APP_PID=$!
"$PY" scripts/drill/outage.py --base "http://127.0.0.1:$APP_PORT" --app-pid "$APP_PID" --out "$DRILL/outage.json" \
  --stop "$DRILL/pg-stop.sh" --start "$DRILL/pg-start.sh" \
  || die "outage drill"
present=$("$PY" -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["accepted"]))' "$DRILL/outage.json")
absent=$("$PY" -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["refused"]))' "$DRILL/outage.json")
"$PY" scripts/drill/dbcheck.py tips --present "$present" --absent "$absent" || die "committed tips missing"
"$PY" manage.py verify_audit_chain --chain-first 2>/dev/null || "$PY" manage.py verify_audit_chain \
  || die "audit chain broken after the outage"
server_errors=$(grep -c '" 500 ' "$DRILL/access.log" || true)
[ "$server_errors" = 0 ] || die "$server_errors answers were 500 (see $DRILL/access.log)"
echo "  0 answers were 500; 503 answers: $(grep -c '" 503 ' "$DRILL/access.log" || true)"

printf '\nDRILL PASSED in %s s: backup %s s, restore %s s, dump %s bytes (details under %s)\n' \
  "$(elapsed "$t_start")" "$backup_s" "$restore_s" "$(stat -c %s "$DRILL/backups/homeward-$stamp.dump")" "$DRILL"
