#!/usr/bin/env bash
# Serve Homeward on 127.0.0.1:8000 with a background task worker; both stop together on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py db_worker --queue-name '*' --no-reload -v0 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Task worker started (pid $worker). Serving on http://127.0.0.1:8000/ — staff login at /accounts/login/"
.venv/bin/python manage.py runserver 127.0.0.1:8000 --noreload
