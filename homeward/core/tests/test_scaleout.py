"""Scale-out on the real RQ backend (local Redis): two worker processes share the jobs, and a job whose worker is
killed mid-run (SIGKILL) is retried on the other worker and completes once — nothing lost. `make scaleout` runs
the larger proof with a webhook delivery on PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from homeward.settings import backing

REDIS_URL = os.environ.get("SCALEOUT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.slow


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: the RQ scale-out test needs it")


@pytest.fixture
def rq_backend(settings: Any, monkeypatch: Any) -> None:
    _redis_or_skip()
    monkeypatch.setenv("TASKS_BACKEND", "rq")
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_rq"]
    settings.RQ_QUEUES = backing.rq_queues()
    settings.TASKS = backing.tasks_settings()
    settings.TASKS["default"]["OPTIONS"] = {"RETRIES": 3, "RETRY_INTERVALS": [0]}


def test_jobs_spread_over_two_workers_and_a_killed_workers_job_is_retried(
    rq_backend: None, tmp_path: Path
) -> None:
    from homeward.core.scaleout import run_proof

    figures = run_proof(redis_url=REDIS_URL, jobs=6, log_dir=tmp_path, tag="test")

    assert len(figures.per_worker) == 2 and sum(figures.per_worker.values()) == 6
    assert figures.killed_job_attempts == 2 and figures.retried_on != figures.killed_worker
    assert figures.lost == 0 and figures.done_twice == 0 and figures.completed_once == figures.jobs
