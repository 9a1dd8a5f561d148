"""Shared test fixtures: reference divisions loaded once per database, and named personas.

Personas (as in healthchecks' hc/test.py): an investigator, a mandatory reporter, an auditor and an administrator
in county A (武侯区 510107); an investigator in county B (金牛区 510106, same province); a provincial investigator
(四川省 510000); an investigator in another province (五华区 530102); a DNA examiner in county A.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

DB_FIXTURES = {"db", "transactional_db", "live_server"}
ROOT = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from homeward.regions.services import regions_load

    with django_db_blocker.unblock():
        regions_load()


@pytest.fixture(autouse=True)
def _reference_data(request: Any) -> None:
    """Reference divisions are committed once per test database; a transactional test (live server, browser)
    flushes them at teardown, so the next test that needs the database loads them again."""
    if not DB_FIXTURES & set(request.fixturenames):
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    from homeward.regions.models import Division
    from homeward.regions.services import regions_load

    with blocker.unblock():
        if not Division.objects.exists():
            regions_load()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (no browser download). `make browser` installs it."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run `make browser` (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls in tests are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-sync",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield launched
        launched.close()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _e2e_env(var: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homeward.settings.dev",
        "DATABASE_URL": f"sqlite:///{var / 'e2e.sqlite3'}",
        "HOMEWARD_VAR_DIR": str(var),
        "DEBUG": "true",
    }


def _e2e_demo_var(tmp_path_factory: Any) -> Path:
    """A var directory (SQLite database, keys, media) migrated with reference and demo data, built once per test
    run: pytest-xdist workers share it under a lock, and each server starts from its own copy."""
    import fcntl
    import subprocess
    import sys

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's directory, above each worker's own
    demo = shared / "e2e-demo"
    with (shared / "e2e-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (demo / "ready").exists():
            shutil.rmtree(demo, ignore_errors=True)
            demo.mkdir()
            manage = [sys.executable, str(ROOT / "manage.py")]
            for command in (
                ["migrate", "--noinput", "-v0"],
                ["load_regions"],
                ["load_demo", "--quiet-logins"],
            ):
                subprocess.run(
                    [*manage, *command], env=_e2e_env(demo), cwd=ROOT, check=True, capture_output=True
                )
            (demo / "ready").touch()
    return demo


@pytest.fixture(scope="session")
def e2e_server(tmp_path_factory: Any) -> Iterator[str]:
    """Homeward as a user runs it: its own SQLite database, migrated, with reference and demo data, served by
    `manage.py runserver` in a subprocess. Browser journeys log in as the demo users of the README."""
    import subprocess
    import sys
    import time
    import urllib.request

    var = tmp_path_factory.mktemp("e2e")
    shutil.copytree(_e2e_demo_var(tmp_path_factory), var, dirs_exist_ok=True)
    env = _e2e_env(var)
    manage = [sys.executable, str(ROOT / "manage.py")]
    port = _free_port()
    log = (var / "server.log").open("w")
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2)  # noqa: S310 - our own loopback server
                break
            except OSError:
                time.sleep(0.1)  # waiting for a subprocess to listen, not for the clock
        else:
            pytest.fail(f"the e2e server did not start; see {var / 'server.log'}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


_DEMO_CODE_STEPS: dict[str, int] = {}


def demo_code(username: str) -> str:
    """A TOTP code of a demo user. A code is good once: when this process (one e2e server) already handed out the
    user's code for the current 30-second step, it hands out the next step's, which the server accepts too."""
    import time

    from django_otp.oath import totp

    from homeward.demo.data import demo_totp_key_hex

    step = int(time.time()) // 30
    use = max(step, _DEMO_CODE_STEPS.get(username, step - 1) + 1)
    _DEMO_CODE_STEPS[username] = use
    return f"{totp(bytes.fromhex(demo_totp_key_hex(username)), drift=use - step):06d}"


@pytest.fixture
def page(browser: Any, request: Any) -> Iterator[Any]:
    """A fresh browser page in Chinese; a screenshot lands in test-results/ when the test fails."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 412, "height": 915})
    new_page = context.new_page()
    yield new_page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        out = Path("test-results")
        out.mkdir(exist_ok=True)
        new_page.screenshot(path=str(out / f"{request.node.name}.png"), full_page=True)
    context.close()


COUNTY_A, COUNTY_B, PROVINCE, OTHER_COUNTY = "510107", "510106", "510000", "530102"


@dataclass
class Personas:
    police_a: Any
    police_b: Any
    police_province: Any
    police_other: Any
    civil_a: Any
    school_a: Any
    investigator_a: Any
    investigator_b: Any
    provincial: Any
    investigator_other: Any
    reporter_a: Any
    auditor_a: Any
    sysadmin_a: Any
    dna_a: Any
    caseworker_a: Any


@pytest.fixture
def make_user(db: Any) -> Any:
    from homeward.accounts.services import user_create

    def make(username: str, agency: Any, roles: list[str], password: str = "Correct-horse-42!") -> Any:
        created = user_create(actor=None, username=username, password=password, agency=agency, roles=roles)
        user = created.user
        user.totp_key = bytes.fromhex(created.totp_secret_hex)  # type: ignore[attr-defined]
        user.test_password = password  # type: ignore[attr-defined]
        return user

    return make


@pytest.fixture
def personas(db: Any, make_user: Any) -> Personas:
    from homeward.accounts.roles import AgencyType, Role
    from homeward.accounts.services import agency_create

    def agency(name: str, type_: str, code: str) -> Any:
        return agency_create(actor=None, name=name, type=type_, division_code=code)

    police_a = agency("武侯公安分局", AgencyType.PUBLIC_SECURITY, COUNTY_A)
    police_b = agency("金牛公安分局", AgencyType.PUBLIC_SECURITY, COUNTY_B)
    police_province = agency("四川省公安厅", AgencyType.PUBLIC_SECURITY, PROVINCE)
    police_other = agency("五华公安分局", AgencyType.PUBLIC_SECURITY, OTHER_COUNTY)
    civil_a = agency("武侯民政局", AgencyType.CIVIL_AFFAIRS, COUNTY_A)
    school_a = agency("武侯实验小学", AgencyType.SCHOOL, COUNTY_A)
    return Personas(
        police_a=police_a,
        police_b=police_b,
        police_province=police_province,
        police_other=police_other,
        civil_a=civil_a,
        school_a=school_a,
        investigator_a=make_user("inv_a", police_a, [Role.INVESTIGATOR]),
        investigator_b=make_user("inv_b", police_b, [Role.INVESTIGATOR]),
        provincial=make_user("inv_prov", police_province, [Role.INVESTIGATOR]),
        investigator_other=make_user("inv_other", police_other, [Role.INVESTIGATOR]),
        reporter_a=make_user("reporter_a", school_a, [Role.MANDATORY_REPORTER]),
        auditor_a=make_user("auditor_a", police_a, [Role.AUDITOR]),
        sysadmin_a=make_user("sysadmin_a", police_a, [Role.SYSADMIN]),
        dna_a=make_user("dna_a", police_a, [Role.DNA_EXAMINER]),
        caseworker_a=make_user("caseworker_a", civil_a, [Role.CASEWORKER]),
    )


@pytest.fixture
def login(client: Any) -> Any:
    """Log a user in as after password + TOTP: a session whose OTP device is verified."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def do_login(user: Any, c: Any = None) -> Any:
        c = c or client
        c.force_login(user)
        session = c.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        from django.utils import timezone

        from homeward.accounts.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT

        session[SESSION_LOGIN_AT] = session[SESSION_LAST_SEEN] = timezone.now().timestamp()
        session.save()
        return c

    return do_login


@pytest.fixture
def audit_rows() -> Any:
    """Counts audit rows written by a block: `with audit_rows() as rows: ...; rows.new` is the list of new events."""
    from contextlib import contextmanager

    from homeward.audit.models import AuditEvent

    class Rows:
        new: list[Any]

    @contextmanager
    def counter() -> Any:
        rows = Rows()
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        yield rows
        rows.new = list(AuditEvent.objects.filter(id__gt=last).order_by("id"))

    return counter


@pytest.fixture
def person_in(db: Any) -> Any:
    """A person record created by `actor` in `code`."""
    from homeward.people.models import NameKind, Sex
    from homeward.people.services import PersonData, person_create

    def make(actor: Any, code: str, name: str = "陈明明", phone: str = "13800138001") -> Any:
        return person_create(
            actor=actor,
            data=PersonData(jurisdiction=code, sex=Sex.MALE, names=[(name, NameKind.LEGAL)], phones=[phone]),
        )

    return make
