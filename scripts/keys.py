"""Back up and restore Homeward's keys: the secrets that live outside the database (docs/operations.md, "Keys").

    keys.py export --out FILE --passphrase-file P     write an encrypted key archive
    keys.py import --in FILE --passphrase-file P --dest DIR [--install]
                                                      decrypt it, check every file's hash, write keys.env and the
                                                      key files under DIR; --install also puts the files back where
                                                      the settings expect them (VAR_DIR, ALERTS_SIGNING_* paths)

What is in the archive (read from the settings the application runs with):
- SECRET_KEY (sessions, CSRF, receipt secrets' HMAC; also partner-secret encryption unless ALERTS_SECRET_KEY is set)
- CARE_FIELD_KEYS (Fernet keys of the care app's encrypted notes), or the generated key file VAR_DIR/care_field.key
- SCREENING_LEAD_HASH_KEY (keyed hashes of screening leads), ALERTS_SECRET_KEY
- the CAP signing key and certificate (ALERTS_SIGNING_KEY_FILE / _CERT_FILE, or the generated development pair),
  ALERTS_SIGNING_KEY_PASSWORD
TOTP secrets are rows of the database (otp_totp_totpdevice), so they travel with the database dump: treat dumps as
secret too.

The archive is a tar file encrypted with a key derived from the passphrase (scrypt, then Fernet: AES-128-CBC with an
HMAC-SHA256): the passphrase is kept apart from both the archive and the database backups.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.dev")

MAGIC = b"HOMEWARD-KEYS-1\n"


def _fernet(passphrase: bytes, salt: bytes):  # type: ignore[no-untyped-def]
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    key = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase)
    return Fernet(base64.urlsafe_b64encode(key))


def _passphrase(path: Path) -> bytes:
    data = path.read_bytes().strip()
    if len(data) < 16:
        raise SystemExit(f"{path}: the passphrase must be at least 16 characters")
    return data


def _collect() -> tuple[dict[str, str], dict[str, Path]]:
    import django

    django.setup()
    from django.conf import settings

    from homeward.alerts import conf as alerts_conf
    from homeward.care import crypto

    values: dict[str, str] = {"SECRET_KEY": settings.SECRET_KEY}
    files: dict[str, Path] = {}
    care_keys = list(getattr(settings, "CARE_FIELD_KEYS", None) or [])
    if care_keys:
        values["CARE_FIELD_KEYS"] = ",".join(str(k) for k in care_keys)
    else:
        crypto.fernet()  # makes sure the generated key file exists
        files["care_field.key"] = Path(settings.VAR_DIR) / "care_field.key"
    for name in ("SCREENING_LEAD_HASH_KEY", "ALERTS_SECRET_KEY", "ALERTS_SIGNING_KEY_PASSWORD"):
        value = str(getattr(settings, name, "") or os.environ.get(name, ""))
        if value:
            values[name] = value
    key_path, cert_path = alerts_conf.signing_paths()
    files["cap-signing-key.pem"], files["cap-signing-cert.pem"] = key_path, cert_path
    return values, files


def export(out: Path, passphrase_file: Path) -> int:
    values, files = _collect()
    listed: dict[str, dict[str, str]] = {}
    manifest = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "values": sorted(values),
        "files": listed,
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:

        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
            tar.addfile(info, io.BytesIO(data))

        env = "".join(f"{name}={value}\n" for name, value in sorted(values.items()))
        add("keys.env", env.encode())
        for name, path in sorted(files.items()):
            data = path.read_bytes()
            listed[name] = {"path": str(path), "sha256": hashlib.sha256(data).hexdigest()}
            add(f"files/{name}", data)
        add("manifest.json", json.dumps(manifest, indent=1).encode())
    salt = os.urandom(16)
    token = _fernet(_passphrase(passphrase_file), salt).encrypt(buffer.getvalue())
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(MAGIC + salt + token)
    print(
        f"  key archive {out.name}: {len(values)} values ({', '.join(sorted(values))}), "
        f"{len(files)} files ({', '.join(sorted(files))}), {out.stat().st_size} bytes, encrypted"
    )
    return 0


def import_(archive: Path, passphrase_file: Path, dest: Path, install: bool) -> int:
    from cryptography.fernet import InvalidToken

    raw = archive.read_bytes()
    if not raw.startswith(MAGIC):
        print(f"{archive}: not a Homeward key archive", file=sys.stderr)
        return 1
    salt, token = raw[len(MAGIC) : len(MAGIC) + 16], raw[len(MAGIC) + 16 :]
    try:
        data = _fernet(_passphrase(passphrase_file), salt).decrypt(token)
    except InvalidToken:
        print(f"{archive}: wrong passphrase or damaged archive", file=sys.stderr)
        return 1
    dest.mkdir(parents=True, exist_ok=True)
    os.chmod(dest, 0o700)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    manifest = json.loads(members["manifest.json"])
    problems = 0
    for name, meta in manifest["files"].items():
        content = members[f"files/{name}"]
        if hashlib.sha256(content).hexdigest() != meta["sha256"]:
            print(f"  {name}: hash mismatch", file=sys.stderr)
            problems += 1
            continue
        (dest / name).write_bytes(content)
        os.chmod(dest / name, 0o600)
        if install:
            target = Path(meta["path"])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            os.chmod(target, 0o600)
    (dest / "keys.env").write_bytes(members["keys.env"])
    os.chmod(dest / "keys.env", 0o600)
    where = "installed at their configured paths" if install else f"written to {dest}"
    print(
        f"  key archive from {manifest['created']}: {len(manifest['values'])} values -> {dest / 'keys.env'}, "
        f"{len(manifest['files'])} files {where}, {problems} hash mismatches"
    )
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("export")
    ex.add_argument("--out", type=Path, required=True)
    ex.add_argument("--passphrase-file", type=Path, required=True)
    im = sub.add_parser("import")
    im.add_argument("--in", dest="archive", type=Path, required=True)
    im.add_argument("--passphrase-file", type=Path, required=True)
    im.add_argument("--dest", type=Path, required=True)
    im.add_argument("--install", action="store_true")
    args = parser.parse_args()
    if args.cmd == "export":
        return export(args.out, args.passphrase_file)
    return import_(args.archive, args.passphrase_file, args.dest, args.install)


if __name__ == "__main__":
    sys.exit(main())
