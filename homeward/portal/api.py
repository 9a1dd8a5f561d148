"""JSON API of the portal app, mounted at /api/v1/portal/."""

from ninja import Router

router = Router(tags=["portal"])
