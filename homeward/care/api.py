"""JSON API of the care app, mounted at /api/v1/care/."""

from ninja import Router

router = Router(tags=["care"])
