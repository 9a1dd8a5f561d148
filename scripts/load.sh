#!/usr/bin/env bash
# `make load`: load on PostgreSQL (database homeward_load, recreated), gunicorn with several workers.
#   1. public tip intake (bench/tips_intake.py: tips/s, p50/p99, zero lost, retries answered with the same receipt);
#   2. public alert pages and staff pages at LOAD_USERS (50) concurrent TOTP-verified sessions (bench/load_pages.py:
#      p50/p95/p99 per phase, ratio to a /healthz baseline of the same run; fails unless staff p95 < 500 ms).
# LOAD_SECONDS sets the length of each measured phase; LOAD_WORKERS the gunicorn workers.
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_PG_URL=${LOAD_PG_URL:-postgres://postgres@127.0.0.1:5432/homeward_load}
seconds=${LOAD_SECONDS:-20}
workers=${LOAD_WORKERS:-4}
echo "== load: tip intake"
.venv/bin/python bench/tips_intake.py --seconds "$seconds" --workers "$workers"
echo "== load: public alert pages and staff pages"
.venv/bin/python bench/load_pages.py --seconds "$seconds" --workers "$workers" --users "${LOAD_USERS:-50}"
