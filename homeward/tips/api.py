"""JSON API of the tips app, mounted at /api/v1/tips/."""

from ninja import Router

router = Router(tags=["tips"])
