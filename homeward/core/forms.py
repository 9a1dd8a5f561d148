"""Turning a service's ValidationError into form errors, so that views stay thin."""

from __future__ import annotations

from typing import Any

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


class DatePicker(forms.DateInput):
    """A browser date picker. Its value is always ISO: a localised 2026/11/29 would show as an empty field."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimePicker(forms.DateTimeInput):
    """A browser date-and-time picker with the ISO value it needs (`2026-11-29T08:30`)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
