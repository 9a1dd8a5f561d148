"""Small display filters of the analysis pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import template

from homeward.analysis.charts import fmt_value

register = template.Library()


@register.filter
def get(mapping: Mapping[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.filter
def pct(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:+.0f}%"


@register.filter
def num(value: float | None) -> str:
    return fmt_value(value)


@register.filter
def zip3(first: Sequence[Any], rest: tuple[Sequence[Any], Sequence[Any]] | Sequence[Any]) -> Any:
    """`a|zip3:b` pairs up, and a second `|zip3:c` adds a third column."""
    if first and isinstance(first[0], tuple):
        return [(*a, b) for a, b in zip(first, rest, strict=False)]
    return list(zip(first, rest, strict=False))


@register.filter
def sig(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}g}"
