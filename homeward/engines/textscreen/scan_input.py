"""Input records of the scan command: validation of one JSON line (no heavy imports)."""

from __future__ import annotations

import json
from dataclasses import dataclass

__all__ = ["BadLine", "Post", "parse_line"]

_OPTIONAL = ("posted_at", "platform", "author")


@dataclass(frozen=True, slots=True)
class Post:
    id: str | int
    text: str
    posted_at: str | None = None
    platform: str | None = None
    author: str | None = None


class BadLine(ValueError):
    """A malformed input line; ``str()`` is the one-line message for the user."""


def parse_line(line: str, lineno: int) -> Post | None:
    """Parse one JSONL line (``None`` for a blank line); raises :class:`BadLine`."""
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"line {lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise BadLine(f"line {lineno}: expected a JSON object, got {type(obj).__name__}")
    if "id" not in obj:
        raise BadLine(f"line {lineno}: missing field 'id'")
    pid = obj["id"]
    if isinstance(pid, bool) or not isinstance(pid, str | int) or pid == "":
        raise BadLine(f"line {lineno}: field 'id' must be a non-empty string or an integer")
    if "text" not in obj:
        raise BadLine(f"line {lineno}: missing field 'text'")
    if not isinstance(obj["text"], str):
        raise BadLine(f"line {lineno}: field 'text' must be a string")
    extra: dict[str, str | None] = {}
    for key in _OPTIONAL:
        val = obj.get(key)
        if val is not None and not isinstance(val, str):
            raise BadLine(f"line {lineno}: field '{key}' must be a string or null")
        extra[key] = val
    return Post(pid, obj["text"], **extra)
