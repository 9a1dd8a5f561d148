"""Production settings refuse unsafe configurations; demo data is refused where it is not allowed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from homeward.settings.env import env_bool, env_int, env_secret

ROOT = Path(__file__).resolve().parents[3]
GOOD = {"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "homeward.example.cn", "HTTPS": "true"}


def import_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "HTTPS"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.INSTALLED_APPS"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "homeward.settings.production", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "HTTPS"])
def test_production_refuses_to_start_without(missing):
    result = import_production({k: v for k, v in GOOD.items() if k != missing})
    assert result.returncode != 0 and missing in result.stderr


def test_production_starts_with_required_environment():
    assert import_production(GOOD).returncode == 0


def test_env_helpers_fail_loudly(monkeypatch, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1)
    secret = tmp_path / "secret"
    secret.write_text("from-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_secret("X_SECRET") == "from-file"


@pytest.mark.django_db
def test_demo_data_refused_when_not_allowed():
    with override_settings(HOMEWARD_ALLOW_DEMO=False), pytest.raises(CommandError, match="demo"):
        call_command("load_demo")
    from homeward.accounts.models import User

    assert not User.objects.exists()


def test_deploy_check_refuses_production_without_its_own_keys():
    from homeward.core.checks import production_keys_configured

    production = {"DEBUG": False, "SETTINGS_MODULE": "homeward.settings.production"}
    keys = {"CARE_FIELD_KEYS": ["k"], "SCREENING_LEAD_HASH_KEY": "lead", "ALERTS_SECRET_KEY": "alerts"}
    with override_settings(**production, **keys):
        assert production_keys_configured(None) == []
    with override_settings(**production, **{**keys, "CARE_FIELD_KEYS": [], "ALERTS_SECRET_KEY": ""}):
        errors = production_keys_configured(None)
    assert [e.id for e in errors] == ["homeward.E003", "homeward.E003"]
    assert "CARE_FIELD_KEYS" in errors[0].msg and "ALERTS_SECRET_KEY" in errors[1].msg
    with override_settings(DEBUG=True, **{**keys, "CARE_FIELD_KEYS": []}):
        assert production_keys_configured(None) == []
