#!/usr/bin/env bash
# Serve Homeward on 127.0.0.1:8000 with a task worker and the periodic jobs; all stop together on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py db_worker --queue-name '*' --no-reload -v0 &
worker=$!
.venv/bin/python manage.py run_periodic -v0 &
periodic=$!
trap 'kill "$worker" "$periodic" 2>/dev/null || true' EXIT INT TERM
echo "Task worker (pid $worker) and periodic jobs (pid $periodic) started. Serving on http://127.0.0.1:8000/ — staff login at /accounts/login/"
.venv/bin/python manage.py runserver 127.0.0.1:8000 --noreload
