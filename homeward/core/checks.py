"""Project rules as system checks."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def demo_disabled_in_production(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.DEBUG and settings.HOMEWARD_ALLOW_DEMO and "production" in settings.SETTINGS_MODULE:
        return [checks.Error("demo data must be disabled in production", id="homeward.E002")]
    return []


# Keys kept outside the database; without them the development fallbacks would be used (docs/operations.md, "Keys").
PRODUCTION_KEYS = ("CARE_FIELD_KEYS", "SCREENING_LEAD_HASH_KEY", "ALERTS_SECRET_KEY")


@checks.register(checks.Tags.security, deploy=True)
def production_keys_configured(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """homeward.E003: production runs on its own keys, never on the development fallbacks."""
    if settings.DEBUG or "production" not in settings.SETTINGS_MODULE:
        return []
    return [
        checks.Error(
            f"{name} (or {name}_FILE) must be set in production: the development fallback would be used",
            id="homeward.E003",
        )
        for name in PRODUCTION_KEYS
        if not getattr(settings, name, None)
    ]


@checks.register()
def jurisdictional_models_indexed(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """homeward.E001: every sensitive model carries an indexed jurisdiction column."""
    from homeward.core.models import JurisdictionalModel

    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if issubclass(model, JurisdictionalModel):
            field = model._meta.get_field("jurisdiction")
            if not getattr(field, "db_index", False):
                errors.append(
                    checks.Error(f"{model._meta.label}.jurisdiction must be indexed", id="homeward.E001")
                )
    return errors
