"""JSON API of the alerts app, mounted at /api/v1/alerts/."""

from ninja import Router

router = Router(tags=["alerts"])
