"""The RQ task backend with retries: a job whose worker dies mid-job (machine lost, SIGKILL, OOM) is retried.

django-tasks' RQ backend enqueues without an RQ `Retry`, so a job abandoned by a dead worker is moved to the failed
registry when its heartbeat lapses. This backend enqueues every job with `Retry(max=RETRIES, interval=INTERVALS)`:
RQ's started-job registry cleanup (run by every live worker's maintenance) then puts the abandoned job back on its
queue, and a job that raises is retried the same way. Every Homeward task is idempotent, so a retry never does
anything twice that matters (a webhook delivery keeps its stored webhook-id).

OPTIONS (settings.TASKS["default"]["OPTIONS"]): "RETRIES" (default 3), "RETRY_INTERVALS" (seconds before each
retry, default [0, 30, 300]; 0 = at once, anything else needs a worker started with --with-scheduler).
"""

from __future__ import annotations

from typing import Any, TypeVar

import django_rq
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq.backend import Job, RQBackend, failed_callback, success_callback
from rq.job import Callback, JobStatus, Retry

T = TypeVar("T")


class RetryingRQBackend(RQBackend):
    # RQ has no priorities inside a queue: a task above the default priority goes to the front of its queue
    # (alerts' first deliveries, radius checks), the rest to the back. Urgent work also has queues of its own.
    supports_priority = True

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.retries = int(self.options.get("RETRIES", 3))
        self.retry_intervals = [int(s) for s in self.options.get("RETRY_INTERVALS", [0, 30, 300])]

    def retry(self) -> Retry | None:
        if self.retries < 1:
            return None
        return Retry(max=self.retries, interval=self.retry_intervals or 0)

    def enqueue(self, task: Task[Any, T], args: Any, kwargs: Any) -> TaskResult[T]:  # type: ignore[override]
        """As RQBackend.enqueue, with the retry policy on the job."""
        self.validate_task(task)
        task_result: TaskResult[T] = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=args,
            kwargs=kwargs,
            job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
            retry=self.retry(),
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority > DEFAULT_TASK_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
        return task_result
