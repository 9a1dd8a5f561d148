"""JSON API of the dna app, mounted at /api/v1/dna/."""

from ninja import Router

router = Router(tags=["dna"])
