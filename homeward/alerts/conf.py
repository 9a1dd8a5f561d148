"""Deployment settings of the alerts app, read with defaults, and the CAP signing identity.

Settings (all optional; `getattr(settings, NAME, default)`):

- ALERTS_RADIUS_SCHEDULE: "1h:100, 2h:200, 3h:300, *:500" (km by time since last seen)
- ALERTS_EXPIRY_HOURS: 72 (after last seen; renewals extend from now by the same)
- ALERTS_PUBLIC_BASE_URL: "http://127.0.0.1:8000" (absolute links in CAP, Atom and webhooks)
- ALERTS_CAP_SENDER: "alerts@homeward.local" (CAP <sender>)
- ALERTS_SIGNING_KEY_FILE / ALERTS_SIGNING_CERT_FILE: PEM files (also read from the environment)
- ALERTS_SIGNING_DEV_KEY: generate a development key into ALERTS_SIGNING_DIR when no files are set
  (default: on unless HOMEWARD_ALLOW_DEMO is off, i.e. off under production settings)
- ALERTS_ALLOW_PRIVATE_TARGETS: deliver to loopback/private addresses (default DEBUG)
- ALERTS_SECRET_KEY: key material for encrypting partner secrets at rest (default SECRET_KEY)
- ALERTS_SIGHTING_RATE: "5/600" sightings per client address per seconds
- ALERTS_ROTATION_HOURS: 24 (the old partner secret keeps signing this long after a rotation)
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from homeward.engines.cap import (
    SigningIdentity,
    load_signing_identity,
    make_self_signed_cert,
    parse_schedule,
)
from homeward.engines.cap.radius import RadiusSchedule

DEFAULT_SCHEDULE_TEXT = "1h:100, 2h:200, 3h:300, *:500"


def radius_schedule() -> RadiusSchedule:
    text = getattr(settings, "ALERTS_RADIUS_SCHEDULE", DEFAULT_SCHEDULE_TEXT)
    try:
        return parse_schedule(text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"ALERTS_RADIUS_SCHEDULE: {exc}") from None


def expiry() -> timedelta:
    return timedelta(hours=int(getattr(settings, "ALERTS_EXPIRY_HOURS", 72)))


def rotation_window() -> timedelta:
    return timedelta(hours=int(getattr(settings, "ALERTS_ROTATION_HOURS", 24)))


def public_base_url() -> str:
    return str(getattr(settings, "ALERTS_PUBLIC_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def cap_sender() -> str:
    return str(getattr(settings, "ALERTS_CAP_SENDER", "alerts@homeward.local"))


def allow_private_targets() -> bool:
    return bool(getattr(settings, "ALERTS_ALLOW_PRIVATE_TARGETS", settings.DEBUG))


def sighting_rate() -> tuple[int, int]:
    text = str(getattr(settings, "ALERTS_SIGHTING_RATE", "5/600"))
    count, _, seconds = text.partition("/")
    return int(count), int(seconds or 600)


# ---------------------------------------------------------------------------------------------------
# Partner secrets are needed in clear to sign webhooks, so they are encrypted (not hashed) at rest.


def _fernet() -> Fernet:
    material = str(getattr(settings, "ALERTS_SECRET_KEY", "") or settings.SECRET_KEY)
    key = base64.urlsafe_b64encode(hashlib.sha256(("alerts-partner-secret:" + material).encode()).digest())
    return Fernet(key)


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "a partner secret cannot be decrypted: ALERTS_SECRET_KEY or SECRET_KEY changed; rotate the secret"
        ) from None


# ---------------------------------------------------------------------------------------------------
# CAP signing identity.

_identity_lock = threading.Lock()
_identity_cache: dict[tuple[str, ...], SigningIdentity] = {}


def _setting_or_env(name: str) -> str:
    return str(getattr(settings, name, "") or os.environ.get(name, ""))


def _dev_key_allowed() -> bool:
    return bool(getattr(settings, "ALERTS_SIGNING_DEV_KEY", getattr(settings, "HOMEWARD_ALLOW_DEMO", False)))


def _dev_identity_paths() -> tuple[Path, Path]:
    directory = Path(getattr(settings, "ALERTS_SIGNING_DIR", Path(settings.VAR_DIR) / "alerts-signing"))
    return directory / "dev-cap-key.pem", directory / "dev-cap-cert.pem"


def _write_dev_identity(key_path: Path, cert_path: Path) -> None:
    """Generate a development key pair once; concurrent processes agree on whichever landed first."""
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_pem, cert_pem = make_self_signed_cert("Homeward CAP signing (development)", days=3650)
    bundle = key_path.parent / "dev-cap-bundle.pem"
    try:
        fd = os.open(bundle, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key_pem + cert_pem)
    data = bundle.read_bytes()
    split = data.index(b"-----BEGIN CERTIFICATE-----")
    tmp_key, tmp_cert = key_path.with_suffix(".tmp-key"), cert_path.with_suffix(".tmp-cert")
    tmp_key.write_bytes(data[:split])
    os.chmod(tmp_key, 0o600)
    tmp_cert.write_bytes(data[split:])
    os.replace(tmp_key, key_path)
    os.replace(tmp_cert, cert_path)


def signing_paths() -> tuple[Path, Path]:
    key_file, cert_file = (
        _setting_or_env("ALERTS_SIGNING_KEY_FILE"),
        _setting_or_env("ALERTS_SIGNING_CERT_FILE"),
    )
    if key_file and cert_file:
        return Path(key_file), Path(cert_file)
    if key_file or cert_file:
        raise ImproperlyConfigured("set both ALERTS_SIGNING_KEY_FILE and ALERTS_SIGNING_CERT_FILE")
    if not _dev_key_allowed():
        raise ImproperlyConfigured(
            "CAP messages must be signed: set ALERTS_SIGNING_KEY_FILE and ALERTS_SIGNING_CERT_FILE"
        )
    key_path, cert_path = _dev_identity_paths()
    if not (key_path.exists() and cert_path.exists()):
        _write_dev_identity(key_path, cert_path)
    return key_path, cert_path


def signing_identity() -> SigningIdentity:
    key_path, cert_path = signing_paths()
    stamp = (
        str(key_path),
        str(cert_path),
        str(key_path.stat().st_mtime_ns),
        str(cert_path.stat().st_mtime_ns),
    )
    with _identity_lock:
        identity = _identity_cache.get(stamp)
        if identity is None:
            password = _setting_or_env("ALERTS_SIGNING_KEY_PASSWORD").encode() or None
            identity = load_signing_identity(key_path.read_bytes(), cert_path.read_bytes(), password)
            _identity_cache.clear()
            _identity_cache[stamp] = identity
        return identity


def certificate_pem() -> bytes:
    return signing_identity().certificate_pem
