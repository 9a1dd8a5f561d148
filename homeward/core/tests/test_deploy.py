"""The production layout matches the code: settings read from the environment (PostgreSQL pool and statement
timeout, task backend, cache), and deploy/ and docs/deploy.md name only real commands, queues and variables."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import get_commands
from django_tasks.base import Task

from homeward.settings import backing

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
DOC = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def test_postgres_pool_and_statement_timeout_come_from_the_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("DATABASE_POOL_MAX", "8")
    monkeypatch.setenv("DATABASE_POOL_MIN", "1")
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_MS", "15000")
    db: dict[str, Any] = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 600, "OPTIONS": {}}
    backing.postgres_options(db)
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}
    assert db["OPTIONS"]["options"] == "-c statement_timeout=15000"
    assert db["CONN_MAX_AGE"] == 0  # Django refuses persistent connections together with a pool

    monkeypatch.setenv("DATABASE_POOL_MAX", "0")
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_MS", "0")
    plain: dict[str, Any] = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60}
    backing.postgres_options(plain)
    assert plain["OPTIONS"] == {} and plain["CONN_MAX_AGE"] == 60

    sqlite: dict[str, Any] = {"ENGINE": "django.db.backends.sqlite3"}
    backing.postgres_options(sqlite)
    assert "OPTIONS" not in sqlite


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATABASE_POOL_MIN", "9", "DATABASE_POOL_MIN"),
        ("DATABASE_STATEMENT_TIMEOUT_MS", "-1", "DATABASE_STATEMENT_TIMEOUT_MS"),
        ("DATABASE_POOL_MAX", "many", "DATABASE_POOL_MAX must be an integer"),
    ],
)
def test_bad_database_settings_stop_the_start(monkeypatch: Any, name: str, value: str, message: str) -> None:
    monkeypatch.setenv("DATABASE_POOL_MAX", "4")
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        backing.postgres_options({"ENGINE": "django.db.backends.postgresql"})


def test_task_backend_and_cache_follow_redis_url(monkeypatch: Any) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CACHE_REDIS_URL", raising=False)
    monkeypatch.delenv("TASKS_BACKEND", raising=False)
    assert backing.tasks_settings()["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert backing.caches_settings()["default"]["BACKEND"].endswith("LocMemCache")

    monkeypatch.setenv("TASKS_BACKEND", "rq")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        backing.tasks_settings()
    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/0")
    assert backing.tasks_settings()["default"]["BACKEND"] == "homeward.core.tasks_rq.RetryingRQBackend"
    assert set(backing.rq_queues()) == set(backing.TASK_QUEUES)
    cache = backing.caches_settings()["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://redis.internal:6379/0"

    monkeypatch.setenv("TASKS_BACKEND", "carrier-pigeon")
    with pytest.raises(ImproperlyConfigured, match="TASKS_BACKEND"):
        backing.tasks_settings()


def _app_tasks() -> list[Task[Any, Any]]:
    found = []
    for app in [
        "alerts",
        "analysis",
        "dna",
        "notifications",
        "screening",
        "tracing",
        *settings.HOMEWARD_DOMAIN_APPS,
    ]:
        try:
            module = importlib.import_module(f"homeward.{app}.tasks")
        except ModuleNotFoundError:
            continue
        found += [v for v in vars(module).values() if isinstance(v, Task)]
    return found


def _compose_worker_queues() -> set[str]:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    queues: set[str] = set()
    for service in compose["services"].values():
        command = service.get("command") or []
        if "rqworker" in command:
            assert "--job-class" in command and "django_tasks_rq.backend.Job" in command
            queues |= {c for c in command[command.index("rqworker") + 1 :] if not c.startswith("-")}
            queues.discard("django_tasks_rq.backend.Job")
    return queues


def test_every_task_queue_is_served_by_a_worker() -> None:
    tasks = _app_tasks()
    assert len(tasks) >= 10
    used = {t.queue_name for t in tasks}
    assert used <= set(backing.TASK_QUEUES)
    assert _compose_worker_queues() == set(backing.TASK_QUEUES)
    documented = set(re.findall(r"homeward-worker@([a-z:]+)\.service", DOC))
    assert {q for inst in documented for q in inst.split(":")} == set(backing.TASK_QUEUES)


def test_periodic_timers_run_real_commands_and_are_documented() -> None:
    commands = get_commands()
    timers = sorted((DEPLOY / "systemd").glob("homeward-*.timer"))
    assert len(timers) >= 8
    for timer in timers:
        instance = re.search(r"^Unit=homeward-job@(.+)\.service$", timer.read_text(), re.M)
        assert instance, timer.name
        command = instance.group(1).split(":")[0]
        assert command in commands, f"{timer.name}: no manage.py {command}"
        assert timer.name in DOC and f"`{command}" in DOC, f"{timer.name} is not in docs/deploy.md"
    from homeward.core.management.commands.run_periodic import SCHEDULE

    timed = {re.search(r"homeward-job@([a-z_]+)", t.read_text()).group(1) for t in timers}  # type: ignore[union-attr]
    assert {name for name, _every in SCHEDULE if name in commands} <= timed


def test_every_example_variable_is_documented_and_read_by_the_settings() -> None:
    example = (DEPLOY / "homeward.env.example").read_text(encoding="utf-8")
    names = re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.M)
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "homeward").rglob("*.py"))
    assert len(names) > 20
    for name in names:
        assert f"`{name}`" in DOC or f"`{name}=" in DOC or f"{name}`" in DOC, (
            f"{name} is not in docs/deploy.md"
        )
        assert f'"{name}"' in sources or name == "DJANGO_SETTINGS_MODULE", f"{name} is read by no setting"
