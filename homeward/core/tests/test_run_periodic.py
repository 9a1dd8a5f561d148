from __future__ import annotations

import pytest
from django.core.management import call_command

from homeward.core.management.commands import run_periodic

pytestmark = pytest.mark.django_db


def test_runs_every_installed_job_once_and_survives_a_failure(monkeypatch):
    ran: list[str] = []

    def fake_call(name, **kwargs):
        ran.append(name)
        if name == "alerts_tick":
            raise RuntimeError("boom")

    monkeypatch.setattr(run_periodic, "call_command", fake_call)
    monkeypatch.setattr(run_periodic, "get_commands", lambda: {"alerts_tick": "x", "verify_audit_chain": "y"})
    call_command("run_periodic", "--once")
    assert ran == ["alerts_tick", "verify_audit_chain"]
