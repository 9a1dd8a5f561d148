"""Lead values: keyed hashes (for search and linking without plaintext scans) and masking for lists."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

# The key must be set in production (SCREENING_LEAD_HASH_KEY); the default only serves development and tests.
_DEV_KEY = "homeward-dev-screening-lead-key"


def _key() -> bytes:
    return str(getattr(settings, "SCREENING_LEAD_HASH_KEY", "") or _DEV_KEY).encode()


def canonical(kind: str, value: str) -> str:
    """The form leads are hashed in: what a reviewer types finds what the engine extracted."""
    value = re.sub(r"[\s\-]", "", value or "").lower()
    if kind == "phones":
        digits = re.sub(r"\D", "", value)
        if digits.startswith("86") and len(digits) > 11:
            digits = digits[2:]
        return "+86" + digits.lstrip("0")
    if kind == "id_numbers":
        return value.upper()
    return value


def lead_hash(kind: str, value: str) -> str:
    message = f"{kind}:{canonical(kind, value)}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def mask(kind: str, value: str) -> str:
    """Enough to tell leads apart on a list, not enough to call or pay them."""
    v = value
    if kind == "phones":
        v = v.removeprefix("+86")
        return v[:3] + "*" * max(len(v) - 7, 1) + v[-4:] if len(v) > 7 else v[:1] + "*" * (len(v) - 1)
    if kind in ("id_numbers", "bank_cards"):
        return v[:4] + "*" * (len(v) - 8) + v[-4:] if len(v) > 8 else "*" * len(v)
    if kind == "qq":
        return v[:2] + "*" * (len(v) - 4) + v[-2:] if len(v) > 4 else "*" * len(v)
    # WeChat IDs: first two characters and the last one
    return v[:2] + "*" * max(len(v) - 3, 1) + v[-1:] if len(v) > 3 else v[:1] + "**"
