"""Scale-out proof on the real RQ backend: two worker processes, jobs spread across them, one killed mid-job.

Used by `make scaleout` (scripts/scaleout.py, which adds a webhook delivery on PostgreSQL) and by
homeward/core/tests/test_scaleout.py (a smaller run). The probe task records, in Redis, which worker process ran
each attempt and how many times each job completed, so "spread", "retried" and "nothing lost, nothing twice" are
counted, not assumed. Redis must be a dedicated database number: the run empties it first.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django_tasks import task

PREFIX = "homeward:scaleout:"
# A held probe waits this long for a release that never comes: its worker is killed first.
HOLD_SECONDS = 120
# RQ notices a dead worker's job when the job's heartbeat lapses (the job monitoring interval, 30 s, plus 60 s);
# a live worker's maintenance then retries it. The proof asks the registry as of this many seconds later.
HEARTBEAT_WINDOW = 91
# Workers must run django-tasks' RQ job class (it calls the Task's function and reports results).
JOB_CLASS = "django_tasks_rq.backend.Job"


def _redis() -> Any:
    import django_rq

    return django_rq.get_connection("default")


@task(queue_name="default")
def probe(n: int, hold: bool = False) -> dict[str, Any]:
    """Record which worker runs this attempt; a held probe waits (to be killed) on its first attempt."""
    from rq import get_current_job

    r = _redis()
    job = get_current_job()
    attempt = int(r.incr(f"{PREFIX}attempt:{n}"))
    info = {"n": n, "pid": os.getpid(), "worker": job.worker_name if job else "", "attempt": attempt}
    r.rpush(f"{PREFIX}started", json.dumps(info))
    if hold and attempt == 1:
        # Short blocking reads: the connection's socket timeout is shorter than the hold.
        deadline = time.monotonic() + HOLD_SECONDS
        while time.monotonic() < deadline and not r.blpop([f"{PREFIX}release:{n}"], timeout=1):
            pass
    r.hincrby(f"{PREFIX}done", str(n), 1)
    r.rpush(f"{PREFIX}finished", json.dumps(info))
    return info


class ProofFailed(AssertionError):
    pass


def check(ok: bool, message: str) -> None:
    if not ok:
        raise ProofFailed(message)


def wait_until(predicate: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Poll a condition held by other processes (worker registration, job status) until it holds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not predicate():
        if time.monotonic() > deadline:
            raise ProofFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        pause.wait(0.05)


def next_event(r: Any, key: str, *, timeout: int = 60) -> dict[str, Any]:
    import redis

    try:
        got = r.blpop([f"{PREFIX}{key}"], timeout=timeout)
    except redis.exceptions.TimeoutError:
        got = None
    if got is None:
        raise ProofFailed(f"no {key!r} event within {timeout} s")
    data: dict[str, Any] = json.loads(got[1])
    return data


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class Workers:
    """RQ worker processes (`manage.py rqworker`), each in its own process group so SIGKILL takes its work-horse."""

    def __init__(self, *, env: dict[str, str], queues: list[str], log_dir: Path, tag: str) -> None:
        self.env = env
        self.queues = queues
        self.log_dir = log_dir
        self.tag = tag
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, label: str) -> str:
        name = f"scaleout-{self.tag}-{label}"
        manage = Path(settings.BASE_DIR) / "manage.py"
        with open(
            self.log_dir / f"{name}.log", "wb"
        ) as log:  # the worker keeps its own copy of the descriptor
            self.procs[name] = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
                [
                    sys.executable,
                    str(manage),
                    "rqworker",
                    *self.queues,
                    "--name",
                    name,
                    "--job-class",
                    JOB_CLASS,
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=settings.BASE_DIR,
            )
        return name

    def kill(self, name: str) -> None:
        """SIGKILL the worker and its work-horse (RQ puts the horse in a process group of its own)."""
        proc = self.procs[name]
        horses = _children(proc.pid)
        os.killpg(proc.pid, signal.SIGKILL)
        for pid in horses:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def alive(self) -> list[str]:
        return [n for n, p in self.procs.items() if p.poll() is None]

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def worker_env(redis_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "TASKS_BACKEND": "rq",
            "REDIS_URL": redis_url,
            # A worker's death is retried at once; no scheduler needed for the proof.
            "RQ_RETRY_INTERVALS": "0",
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "homeward.settings.dev"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


@contextmanager
def two_workers(
    *, redis_url: str, log_dir: Path, tag: str, queues: list[str] | None = None, **extra_env: str
) -> Iterator[tuple[Workers, list[str]]]:
    from rq import Worker

    workers = Workers(
        env=worker_env(redis_url, **extra_env), queues=queues or ["default"], log_dir=log_dir, tag=tag
    )
    names = [workers.start("A"), workers.start("B")]
    try:
        r = _redis()
        wait_until(
            lambda: set(names) <= {w.name for w in Worker.all(connection=r)},
            timeout=60,
            what="both RQ workers to register",
        )
        yield workers, names
    finally:
        workers.stop()


def requeue_abandoned(queue_name: str = "default") -> int:
    """What a live worker's maintenance does once a dead worker's heartbeat has lapsed (HEARTBEAT_WINDOW s):
    the started-job registry retries the abandoned jobs. Asked as of that moment rather than waited for."""
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.registry import StartedJobRegistry

    registry = StartedJobRegistry(queue=django_rq.get_queue(queue_name, job_class=Job), job_class=Job)
    as_of = time.time() + HEARTBEAT_WINDOW
    # Count what is abandoned as of then before handing it back: counting the registry after the clean-up would
    # race with the survivor, which may already have taken the retried job (and so put it back in the registry).
    abandoned = set(registry.get_expired_job_ids(as_of))
    registry.cleanup(timestamp=as_of)
    return len(abandoned)


@dataclass
class Figures:
    jobs: int = 0
    per_worker: dict[str, int] = field(default_factory=dict)
    killed_worker: str = ""
    killed_job_attempts: int = 0
    retried_on: str = ""
    after_kill: dict[str, int] = field(default_factory=dict)
    completed_once: int = 0
    lost: int = 0
    done_twice: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"jobs: {self.jobs} (all through the Tasks API, RQ backend)",
            "spread: " + ", ".join(f"{w}={c}" for w, c in sorted(self.per_worker.items())),
            f"killed (SIGKILL mid-job): {self.killed_worker}",
            f"held job: {self.killed_job_attempts} attempts, finished on {self.retried_on}",
            "after the kill: " + ", ".join(f"{w}={c}" for w, c in sorted(self.after_kill.items())),
            f"completed exactly once: {self.completed_once}/{self.jobs}; lost: {self.lost}; "
            f"completed twice: {self.done_twice}",
            f"wall time: {self.seconds:.1f} s",
        ]


def _all_final(results: list[Any]) -> bool:
    from django_tasks.base import TaskResultStatus

    statuses = [probe.get_result(r.id).status for r in results]
    return all(s in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED) for s in statuses)


def run_proof(*, redis_url: str, jobs: int, log_dir: Path, tag: str = "proof") -> Figures:
    """Spread, kill, retry; raises ProofFailed with a clear line when a property does not hold."""
    from django_tasks.base import TaskResultStatus

    started_at = time.monotonic()
    r = _redis()
    r.flushdb()
    figures = Figures()
    with two_workers(redis_url=redis_url, log_dir=log_dir, tag=tag) as (workers, names):
        # 1. Spread: N quick jobs, both workers take some.
        first = [probe.enqueue(n) for n in range(jobs)]
        spread = Counter(next_event(r, "finished")["worker"] for _ in first)
        figures.per_worker = dict(spread)
        check(set(spread) == set(names), f"jobs did not spread across both workers: {dict(spread)}")
        wait_until(lambda: _all_final(first), timeout=60, what="the first jobs' results")
        r.delete(f"{PREFIX}started")

        # 2. A job held mid-run; its worker is killed (worker and work-horse, SIGKILL).
        held_n = jobs
        held = probe.enqueue(held_n, hold=True)
        started = next_event(r, "started")
        check(started["n"] == held_n, f"unexpected job started: {started}")
        figures.killed_worker = started["worker"]
        workers.kill(started["worker"])
        survivor = next(n for n in names if n != started["worker"])
        check(workers.alive() == [survivor], "the killed worker is still running")

        # 3. The survivor keeps taking new work.
        more = [probe.enqueue(held_n + 1 + k) for k in range(max(2, jobs // 2))]
        after = Counter(next_event(r, "finished")["worker"] for _ in more)
        figures.after_kill = dict(after)
        check(set(after) == {survivor}, f"jobs after the kill ran on {dict(after)}, not only on {survivor}")
        wait_until(lambda: _all_final(more), timeout=60, what="the later jobs' results")
        held_status = probe.get_result(held.id).status
        check(
            held_status == TaskResultStatus.RUNNING,
            f"the held job should still look running (its worker died without reporting), not {held_status}",
        )

        # 4. The dead worker's job is noticed and retried on the survivor.
        check(requeue_abandoned() == 1, "the abandoned job was not found in the started registry")
        retried = next_event(r, "finished")
        check(retried["n"] == held_n, f"expected the held job to finish, got {retried}")
        figures.killed_job_attempts = int(retried["attempt"])
        figures.retried_on = retried["worker"]
        check(retried["worker"] == survivor, "the retried job did not run on the surviving worker")
        check(
            figures.killed_job_attempts == 2, f"held job ran {figures.killed_job_attempts} times, expected 2"
        )
        wait_until(lambda: _all_final([held]), timeout=60, what="the retried job's result")
        result = probe.get_result(held.id)
        check(result.status == TaskResultStatus.SUCCESSFUL, f"retried job ended {result.status}")
        check((result.return_value or {}).get("attempt") == 2, "the task result is not the retry's")

    # 5. Nothing lost, nothing completed twice.
    total = jobs + 1 + len(more)
    done = {int(k): int(v) for k, v in r.hgetall(f"{PREFIX}done").items()}
    figures.jobs = total
    figures.completed_once = sum(1 for n in range(total) if done.get(n) == 1)
    figures.lost = sum(1 for n in range(total) if n not in done)
    figures.done_twice = sum(1 for v in done.values() if v > 1)
    for res in [*first, *more]:
        check(probe.get_result(res.id).status == TaskResultStatus.SUCCESSFUL, f"job {res.id} did not succeed")
    check(figures.lost == 0, f"{figures.lost} jobs lost")
    check(figures.done_twice == 0, f"{figures.done_twice} jobs completed twice")
    figures.seconds = time.monotonic() - started_at
    return figures
