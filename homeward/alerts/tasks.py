"""Background work of the alerts app (django-tasks, database backend). Tasks take ids and are idempotent."""

from __future__ import annotations

from django_tasks import task

from homeward.core import context


@task(queue_name="deliveries", priority=50)
def deliveries_send(delivery_ids: list[int]) -> dict[str, int]:
    """Send these deliveries (those still due); retries are enqueued by the service at their next slot."""
    from homeward.alerts import services

    with context.use(context.RequestContext(channel="task")):
        return services.deliveries_send(delivery_ids)


@task(queue_name="default", priority=20)
def alert_radius_check(alert_id: int) -> bool:
    """Grow the radius at the exact band boundary (the minute tick is the safety net)."""
    from homeward.alerts import services

    with context.use(context.RequestContext(channel="task")):
        return services.alert_radius_refresh(alert_id=alert_id)
