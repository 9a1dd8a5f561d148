"""JSON API of the plan app, mounted at /api/v1/plan/."""

from ninja import Router

router = Router(tags=["plan"])
