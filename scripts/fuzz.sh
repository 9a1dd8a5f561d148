#!/usr/bin/env bash
# `make fuzz`: schemathesis against /api/v1/openapi.json, every operation, as several demo roles.
# A throwaway SQLite database with the demo data set, served by gunicorn on a free loopback port.
# Checks: no 5xx, responses match the documented schema and status codes.
# FUZZ_MAX_EXAMPLES bounds the generated cases per operation (default 5, for CI); FUZZ_USERS picks the roles;
# FUZZ_FIRST_PHASES=examples,coverage,fuzzing adds schemathesis' coverage phase (boundary values, missing fields and
# credentials: ~50 cases per operation) for the first user; FUZZ_PHASES sets the phases of the others.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-5}
USERS=${FUZZ_USERS:-"investigator_national sysadmin_national dna_examiner_wuhou caseworker_wuhou partner_demo"}
CHECKS=${FUZZ_CHECKS:-not_a_server_error,response_schema_conformance,status_code_conformance}

# FUZZ_WORKDIR reuses a prepared database between runs (kept, like FUZZ_KEEP=1).
work=${FUZZ_WORKDIR:-$(mktemp -d "${TMPDIR:-/tmp}/homeward-fuzz.XXXXXX")}
[[ -z "${FUZZ_WORKDIR:-}" ]] || FUZZ_KEEP=1
mkdir -p "$work"
export DJANGO_SETTINGS_MODULE=homeward.settings.dev DEBUG=false HOMEWARD_VAR_DIR="$work" \
	DATABASE_URL="sqlite:///$work/fuzz.sqlite3"
server=""
cleanup() {
	if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	[[ -n "${FUZZ_KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [[ ! -f "$work/fuzz.sqlite3" ]]; then
	echo "fuzz: preparing a demo database in $work"
	$BIN/python manage.py migrate --noinput -v0
	$BIN/python manage.py load_regions >/dev/null
	$BIN/python manage.py load_demo --quiet-logins >/dev/null
fi
# shellcheck disable=SC2086
tokens=$($BIN/python scripts/fuzz_tokens.py $USERS)

port=$($BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$BIN/gunicorn homeward.wsgi --bind "127.0.0.1:$port" --workers 2 --timeout 120 --preload \
	--access-logfile /dev/null --error-logfile "$work/server.log" &
server=$!
base="http://127.0.0.1:$port"
# The first request builds the URL map and the OpenAPI document: wait for it here, not in schemathesis' 10 s timeout.
$BIN/python - "$base/api/v1/openapi.json" <<'PY'
import sys, time, urllib.request
deadline = time.time() + 180
while True:
    try:
        urllib.request.urlopen(sys.argv[1], timeout=120).read()  # noqa: S310 - our own loopback server
        break
    except OSError:
        if time.time() > deadline:
            sys.exit("fuzz: the server did not answer")
        time.sleep(0.5)
PY

failed=0
phases=${FUZZ_FIRST_PHASES:-examples,fuzzing}
while read -r username token; do
	echo "== fuzz as $username (phases $phases, max $MAX_EXAMPLES examples per operation)"
	if ! $BIN/schemathesis run --no-color --generation-database none "$base/api/v1/openapi.json" --wait-for-schema 60 \
		-H "Authorization: Bearer $token" --checks "$CHECKS" --max-examples "$MAX_EXAMPLES" --phases "$phases" \
		--seed "${FUZZ_SEED:-2026}" --workers 2 --request-timeout 60 --suppress-health-check all --generation-with-security-parameters false \
		--report junit --report-dir "${FUZZ_REPORT_DIR:-$work/report}/$username"; then
		failed=1
	fi
	phases=${FUZZ_PHASES:-examples,fuzzing}
done <<<"$tokens"
if ((failed)); then
	echo "fuzz: FAILED (server log: $work/server.log; set FUZZ_KEEP=1 to keep it)"
	exit 1
fi
echo "fuzz: passed for $USERS"
