"""Command line for the CAP engine.

    python -m homeward.engines.cap validate FILE [--cert CERT.pem]
        Check FILE against the CAP 1.2 XSD and, with --cert, verify its XML signature.
    python -m homeward.engines.cap radius --last-seen ISO --now ISO [--schedule "1h:100,2h:200,3h:300,*:500"]
        Print the alert radius in km.
    python -m homeward.engines.cap make-cert --key-out KEY.pem --cert-out CERT.pem [--cn NAME] [--days N]
        Write a self-signed development key and certificate.

Bad input exits with status 2 and one line on stderr naming what is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from homeward.engines.cap.message import CapError, CapValidationError, validate_cap
from homeward.engines.cap.radius import DEFAULT_SCHEDULE, parse_schedule, radius_km
from homeward.engines.cap.signing import CapKeyError, CapSignatureError, make_self_signed_cert, verify_cap


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise _UsageError(f"{what} {path}: {exc.strerror or exc}") from None


def _datetime(text: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise _UsageError(f"{name}: {text!r} is not an ISO 8601 datetime") from None
    if value.tzinfo is None:
        raise _UsageError(f"{name}: {text!r} has no UTC offset")
    return value


def _build_parser() -> _Parser:
    parser = _Parser(prog="python -m homeward.engines.cap", description="Homeward CAP alert engine")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    validate = commands.add_parser("validate", help="validate a CAP 1.2 file (and its signature)")
    validate.add_argument("file")
    validate.add_argument("--cert", help="PEM certificate to verify the XML signature with")
    radius = commands.add_parser("radius", help="alert radius in km")
    radius.add_argument("--last-seen", required=True)
    radius.add_argument("--now", required=True)
    radius.add_argument("--schedule", help='e.g. "1h:100,2h:200,3h:300,*:500"')
    cert = commands.add_parser("make-cert", help="write a self-signed development key and certificate")
    cert.add_argument("--key-out", required=True)
    cert.add_argument("--cert-out", required=True)
    cert.add_argument("--cn", default="Homeward CAP signing (development)")
    cert.add_argument("--days", type=int, default=365)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _build_parser().parse_args(argv)
        if args.command == "validate":
            document = _read(args.file, "file")
            if args.cert:
                document = verify_cap(document, _read(args.cert, "certificate"))
            validate_cap(document)
            print(f"{args.file}: valid CAP 1.2" + (", signature verified" if args.cert else ""))
        elif args.command == "radius":
            schedule = parse_schedule(args.schedule) if args.schedule else DEFAULT_SCHEDULE
            value = radius_km(
                _datetime(args.last_seen, "--last-seen"), _datetime(args.now, "--now"), schedule
            )
            print(f"{value:g}")
        else:
            if args.days <= 0:
                raise _UsageError("--days must be positive")
            key_pem, cert_pem = make_self_signed_cert(args.cn, days=args.days)
            try:
                key_path = Path(args.key_out)
                key_path.write_bytes(key_pem)
                key_path.chmod(0o600)
                Path(args.cert_out).write_bytes(cert_pem)
            except OSError as exc:
                raise _UsageError(f"cannot write output: {exc.strerror or exc}") from None
            print(f"wrote {args.key_out} and {args.cert_out}")
    except (_UsageError, CapError, CapValidationError, CapSignatureError, CapKeyError, ValueError) as exc:
        message = " ".join(str(exc).split())
        print(f"error: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
