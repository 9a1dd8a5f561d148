"""Command line: validate/verify files, radius, dev certificates; bad input is one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from homeward.engines.cap.__main__ import main
from homeward.engines.cap.message import CapMessage, to_xml
from homeward.engines.cap.signing import SigningIdentity, sign_cap

REPO_ROOT = Path(__file__).resolve().parents[4]


def test_validate_and_verify(tmp_path: Path, release: CapMessage, identity: SigningIdentity, capsys) -> None:
    plain = tmp_path / "release.xml"
    plain.write_bytes(to_xml(release))
    assert main(["validate", str(plain)]) == 0
    assert "valid CAP 1.2" in capsys.readouterr().out
    signed = tmp_path / "signed.xml"
    signed.write_bytes(sign_cap(to_xml(release), identity))
    cert = tmp_path / "cert.pem"
    cert.write_bytes(identity.certificate_pem)
    assert main(["validate", str(signed), "--cert", str(cert)]) == 0
    assert "signature verified" in capsys.readouterr().out
    signed.write_bytes(signed.read_bytes().replace("张小明".encode(), "王小明".encode()))
    assert main(["validate", str(signed), "--cert", str(cert)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: signature check failed")
    assert err.count("\n") == 1


def test_radius_command(capsys) -> None:
    assert main(["radius", "--last-seen", "2026-06-01T09:00+08:00", "--now", "2026-06-01T11:30+08:00"]) == 0
    assert capsys.readouterr().out.strip() == "300"
    args = ["radius", "--last-seen", "2026-06-01T09:00+08:00", "--now", "2026-06-01T09:30+08:00"]
    assert main([*args, "--schedule", "20m:10,*:40"]) == 0
    assert capsys.readouterr().out.strip() == "40"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["radius", "--last-seen", "yesterday", "--now", "2026-06-01T09:30+08:00"], "--last-seen"),
        (["radius", "--last-seen", "2026-06-01T09:00", "--now", "2026-06-01T09:30+08:00"], "UTC offset"),
        (["radius", "--last-seen", "2026-06-01T10:00+08:00", "--now", "2026-06-01T09:30+08:00"], "future"),
        (
            [
                "radius",
                "--last-seen",
                "2026-06-01T09:00+08:00",
                "--now",
                "2026-06-01T09:30+08:00",
                "--schedule",
                "x",
            ],
            "band 0",
        ),
        (["validate", "/nonexistent/file.xml"], "file /nonexistent/file.xml"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_input_is_one_line(argv: list[str], message: str, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_invalid_document_reports_schema_path(tmp_path: Path, release: CapMessage, capsys) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(to_xml(release).replace(b"<status>Actual</status>", b"<status>Live</status>"))
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "status" in err
    assert err.count("\n") == 1


def test_make_cert_then_module_entry_point(tmp_path: Path) -> None:
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    assert main(["make-cert", "--key-out", str(key), "--cert-out", str(cert), "--days", "30"]) == 0
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert (key.stat().st_mode & 0o777) == 0o600
    assert cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    # the real entry point, as an operator would run it: one line on stderr, exit status 2
    done = subprocess.run(
        [sys.executable, "-m", "homeward.engines.cap", "validate", str(tmp_path / "missing.xml")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: file")
    assert "Traceback" not in done.stderr
