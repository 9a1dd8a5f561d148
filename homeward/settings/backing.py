"""Backing services chosen from the environment: the task backend (database or RQ on Redis), the cache
(Redis or local memory) and PostgreSQL's connection pool and statement timeout. docs/deploy.md lists the variables.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from homeward.settings.env import env_int, env_str

# Every queue a task of an app names (see each app's tasks.py); workers serve them all or a subset.
TASK_QUEUES = ["default", "deliveries", "search"]

_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "homeward.core.tasks_rq.RetryingRQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}


def redis_url() -> str:
    return env_str("REDIS_URL", "").strip()


def tasks_backend() -> str:
    """TASKS_BACKEND: database (default), rq (needs REDIS_URL), immediate, or a dotted backend class path."""
    raw = env_str("TASKS_BACKEND", "database").strip() or "database"
    backend = _BACKENDS.get(raw, raw)
    if "." not in backend:
        raise ImproperlyConfigured(
            f"TASKS_BACKEND must be one of {sorted(_BACKENDS)} or a dotted path, got {raw!r}"
        )
    if backend.endswith("RQBackend") and not redis_url():
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    return backend


def tasks_settings() -> dict[str, Any]:
    return {"default": {"BACKEND": tasks_backend(), "QUEUES": list(TASK_QUEUES)}}


def uses_rq() -> bool:
    return tasks_backend().endswith("RQBackend")


def rq_queues() -> dict[str, dict[str, Any]]:
    """django-rq's queues, one per task queue, all on REDIS_URL. RQ_JOB_TIMEOUT bounds one job (seconds):
    a worker that dies mid-job is noticed when its heartbeat lapses and the job is retried (core/tasks_rq.py)."""
    url = redis_url()
    timeout = env_int("RQ_JOB_TIMEOUT", 1800)
    return {name: {"URL": url, "DEFAULT_TIMEOUT": timeout} for name in TASK_QUEUES}


def caches_settings() -> dict[str, Any]:
    """Redis when REDIS_URL is set (rate limits and lockouts then hold across processes and machines);
    CACHE_REDIS_URL overrides it for a separate cache instance. Otherwise this process's memory."""
    url = env_str("CACHE_REDIS_URL", "").strip() or redis_url()
    if url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "homeward"),
                "TIMEOUT": env_int("CACHE_TIMEOUT", 300),
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "homeward"}}


def postgres_options(database: Any) -> None:
    """PostgreSQL only: a psycopg connection pool per process (DATABASE_POOL_MIN/MAX, 0 = off, then
    DATABASE_CONN_MAX_AGE applies) and a statement timeout (DATABASE_STATEMENT_TIMEOUT_MS, 0 = none)."""
    if database.get("ENGINE") != "django.db.backends.postgresql":
        return
    options = database.setdefault("OPTIONS", {})
    pool_max = env_int("DATABASE_POOL_MAX", 0)
    if pool_max > 0:
        pool_min = env_int("DATABASE_POOL_MIN", min(2, pool_max))
        if not 0 <= pool_min <= pool_max:
            raise ImproperlyConfigured("DATABASE_POOL_MIN must be between 0 and DATABASE_POOL_MAX")
        options["pool"] = {
            "min_size": pool_min,
            "max_size": pool_max,
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
        }
        database["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django refuses both
    timeout_ms = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30000)
    if timeout_ms < 0:
        raise ImproperlyConfigured("DATABASE_STATEMENT_TIMEOUT_MS must be 0 (none) or a positive number")
    if timeout_ms:
        flags = [options.get("options", "").strip(), f"-c statement_timeout={timeout_ms}"]
        options["options"] = " ".join(f for f in flags if f)
    sslmode = env_str("DATABASE_SSLMODE", "").strip()
    if sslmode:
        options["sslmode"] = sslmode
