"""Turning a service's ValidationError into form errors, so that views stay thin."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def apply_validation_error(form: forms.Form, exc: ValidationError, default_field: str | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else default_field
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(default_field, message)
