"""JSON API of the tracing app, mounted at /api/v1/tracing/."""

from ninja import Router

router = Router(tags=["tracing"])
