"""Abstract models shared by the domain apps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class JurisdictionalModel(TimeStampedModel):
    """A sensitive record: it carries the GB/T 2260 code of its owning agency's jurisdiction.

    Reads go through `homeward.access` so that users see their jurisdiction and below, plus grants.
    """

    jurisdiction = models.CharField(_("jurisdiction"), max_length=6, db_index=True)

    class Meta:
        abstract = True
