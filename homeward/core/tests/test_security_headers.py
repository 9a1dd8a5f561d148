"""Security headers on every page, public and staff; templates hold no inline script or style the CSP would block."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from homeward.core.tests.test_security_walk import PUBLIC_ROUTES, ROUTES, concrete

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
# Pages without URL parameters: every public one and every staff list page.
PUBLIC_PAGES = sorted(concrete(r) for r in PUBLIC_ROUTES if "<" not in r)
STAFF_PAGES = sorted(concrete(r) for r, _n in ROUTES if r.startswith("staff/") and "<" not in r)


def assert_security_headers(response: Any, url: str) -> None:
    headers = response.headers
    assert headers.get("X-Frame-Options") == "DENY", url
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy") == "same-origin", url
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", url
    policy = headers.get("Permissions-Policy", "")
    assert "geolocation=(self)" in policy and "camera=()" in policy, url
    csp = headers.get("Content-Security-Policy", "")
    directives = dict([*d.strip().split(" ", 1), ""][:2] for d in csp.split(";") if d.strip())
    assert directives.get("default-src") == "'self'", (url, csp)
    assert directives.get("frame-ancestors") == "'none'", (url, csp)
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives.get(directive, "'self'"), (url, directive)
        assert "'unsafe-eval'" not in directives.get(directive, "'self'"), (url, directive)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_send_security_headers(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code < 500
    assert_security_headers(response, url)


def test_staff_pages_send_security_headers(personas: Any, login: Any, client: Any) -> None:
    """Every staff list page, logged in (TOTP-verified); a page the role may not open still sends the headers."""
    assert len(STAFF_PAGES) > 20
    login(personas.investigator_a)
    opened = 0
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code < 500, url
        assert_security_headers(response, url)
        opened += response.status_code == 200
    assert opened > 10


def test_api_and_errors_send_security_headers(client: Any) -> None:
    for url in ("/api/v1/accounts/me", "/no-such-page/", "/staff/people/987654/"):
        assert_security_headers(client.get(url), url)


def test_production_adds_hsts() -> None:
    """HSTS comes from the production settings (HTTPS is required there); SecurityMiddleware sends it."""
    text = (ROOT / "homeward" / "settings" / "production.py").read_text()
    assert re.search(r"SECURE_HSTS_SECONDS = .*31536000", text)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"|\shx-on[:-]", re.IGNORECASE)


def test_templates_hold_no_inline_script_or_style() -> None:
    """The CSP allows scripts and styles from our own static files only: inline ones would silently not run."""
    offenders = []
    for template in sorted((ROOT / "homeward").rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_STYLE):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{template.relative_to(ROOT)}:{line}: {match.group(0).strip()}")
    assert not offenders, "inline scripts/styles/handlers (move them to static files):\n" + "\n".join(
        offenders
    )
