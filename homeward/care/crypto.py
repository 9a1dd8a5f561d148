"""Field encryption for the care app's sensitive notes (abuse details, health, psychological notes).

Keys live outside the database: `settings.CARE_FIELD_KEYS` (a list of Fernet keys, the first is current). When the
setting is absent (development, tests) a key is generated once into VAR_DIR/care_field.key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


def _dev_key() -> bytes:
    var = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var"))
    path = var / "care_field.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_bytes().strip()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def fernet() -> MultiFernet:
    keys = getattr(settings, "CARE_FIELD_KEYS", None) or [_dev_key().decode()]
    return _fernet(tuple(str(k) for k in keys))


def encrypt(text: str) -> str:
    if not text:
        return ""
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt(value: str) -> str:
    if not value:
        return ""
    if not value.startswith(PREFIX):
        return value
    try:
        return fernet().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError("care field key missing: cannot decrypt (check CARE_FIELD_KEYS)") from exc


def rotate(value: str) -> str:
    """Re-encrypt a stored value under the current key."""
    if not value or not value.startswith(PREFIX):
        return encrypt(value)
    return PREFIX + fernet().rotate(value[len(PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField):
    """Text stored as Fernet ciphertext; Python code sees plain text."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value) if value is not None else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
