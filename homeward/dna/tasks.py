"""Background searches (django-tasks, database backend, queue "search"). Tasks take ids and are idempotent."""

from __future__ import annotations

from django_tasks import task

from homeward.dna import services


@task(queue_name="search")
def run_search(search_id: int) -> None:
    """The whole search in one worker (the worker's in-memory index, updated incrementally)."""
    services.search_execute(search_id=search_id)


@task(queue_name="search")
def run_search_shard(search_id: int, shard: int) -> None:
    """One shard of a child search; the last shard to finish merges the results with `merge_results`."""
    services.search_execute(search_id=search_id, shard=shard)
