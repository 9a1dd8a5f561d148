"""scripts/keys.py: the key archive restores every key exactly, and refuses a wrong passphrase or a damaged file."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def keys(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    settings.SECRET_KEY = "k" * 60
    settings.SCREENING_LEAD_HASH_KEY = "lead-key-for-the-test"
    settings.CARE_FIELD_KEYS = []
    settings.ALERTS_SIGNING_DIR = tmp_path / "var" / "alerts-signing"
    spec = importlib.util.spec_from_file_location("homeward_keys_script", ROOT / "scripts" / "keys.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("correct horse battery staple")
    return module, passphrase


def test_round_trip_restores_values_and_files(keys, tmp_path):
    module, passphrase = keys
    archive = tmp_path / "keys.bin"
    assert module.export(archive, passphrase) == 0
    originals = {p.name: p.read_bytes() for p in (tmp_path / "var").rglob("*") if p.is_file()}
    assert "care_field.key" in originals and b"lead-key-for-the-test" not in archive.read_bytes()  # encrypted
    for path in (tmp_path / "var").rglob("*"):
        if path.is_file():
            path.unlink()
    assert module.import_(archive, passphrase, tmp_path / "restored", True) == 0
    env = (tmp_path / "restored" / "keys.env").read_text()
    assert "SECRET_KEY=" + "k" * 60 in env and "SCREENING_LEAD_HASH_KEY=lead-key-for-the-test" in env
    assert (tmp_path / "var" / "care_field.key").read_bytes() == originals["care_field.key"]
    assert (tmp_path / "restored" / "cap-signing-key.pem").read_bytes() == originals["dev-cap-key.pem"]


def test_wrong_passphrase_and_damaged_archive_are_refused(keys, tmp_path, capsys):
    module, passphrase = keys
    archive = tmp_path / "keys.bin"
    module.export(archive, passphrase)
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all")
    assert module.import_(archive, wrong, tmp_path / "out", False) == 1
    damaged = tmp_path / "damaged.bin"
    data = bytearray(archive.read_bytes())
    data[-10] ^= 1
    damaged.write_bytes(bytes(data))
    assert module.import_(damaged, passphrase, tmp_path / "out", False) == 1
    assert "wrong passphrase or damaged archive" in capsys.readouterr().err
    assert not (tmp_path / "out" / "keys.env").exists()
