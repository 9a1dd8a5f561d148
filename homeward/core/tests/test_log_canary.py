"""No personal data in logs: a canary name, phone and ID number go in through public forms, the public API, staff pages
and the staff API — valid and invalid, in bodies and in query strings, on pages that exist and on 404s — and every log
record written meanwhile (message, arguments, exception text and any extra attribute, e.g. the request Django's
`django.request` warnings carry) is searched for them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.django_db

NAME = "祝卡纳雀"
PHONE = "13700013579"
ID_NUMBER = "51010720100101135X"
CANARIES = (NAME, PHONE, ID_NUMBER, quote(NAME), quote(PHONE))


class Everything(logging.Handler):
    """Keeps every record's full text: what any formatter or structured handler could write out."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        parts = [record.getMessage(), logging.Formatter().format(record)]
        for key, value in record.__dict__.items():
            if key not in {"msg", "args", "message", "exc_info", "exc_text", "stack_info"}:
                parts.append(f"{key}={value!r}")
                request = getattr(value, "META", None)
                if request is not None:  # a request: what a JSON formatter could serialise from it
                    parts.append(value.get_full_path())
                    parts.append(str(request.get("QUERY_STRING", "")))
        self.texts.append("\n".join(parts))


@pytest.fixture
def logs(caplog: Any) -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
    handler.texts.extend(r.getMessage() for r in caplog.records)


def leaks(handler: Everything) -> list[str]:
    return [t[:400] for t in handler.texts if any(c in t for c in CANARIES)]


def test_canary_never_reaches_the_logs(
    logs: Everything, personas: Any, login: Any, client: Any, make_user: Any
) -> None:
    from django.test import Client

    from homeward.accounts.services import token_create

    public = Client()
    # Public tip form: a valid tip, then one with errors (bad division code), and a 404 with the canary in the query.
    tip = {
        "category": "child_missing",
        "description": f"{NAME} 抱走一个孩子 电话 {PHONE} 身份证 {ID_NUMBER}",
        "people_involved": f"{NAME} {PHONE}",
        "informant_name": NAME,
        "informant_phone": PHONE,
        "address": "成都市武侯区人民南路四段",
    }
    public.post("/tips/", tip)
    public.post("/tips/", {**tip, "division_code": "bad", "lat": "north"})
    public.get(f"/tips/follow-up/status/?reference={PHONE}&name={quote(NAME)}")
    public.get(f"/no-such-page/?name={quote(NAME)}&phone={PHONE}&id={ID_NUMBER}")
    public.get(f"/alerts/00000000-0000-0000-0000-000000000000/?q={quote(NAME)}")
    public.post("/portal/family-search/", {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER})
    # Public API: a valid tip, then a malformed one (422), then one over the size of a field.
    api_tip = {
        "category": "child_missing",
        "description": f"{NAME} {PHONE}",
        "informant_name": NAME,
        "informant_phone": PHONE,
        "involved_phones": [PHONE],
        "involved_id_numbers": [ID_NUMBER],
    }
    public.post("/api/v1/tips/public", json.dumps(api_tip), content_type="application/json")
    public.post(
        "/api/v1/tips/public", json.dumps({**api_tip, "category": NAME}), content_type="application/json"
    )
    public.post(
        "/api/v1/tips/public",
        json.dumps({**api_tip, "informant_phone": PHONE * 5}),
        content_type="application/json",
    )
    # Staff pages: search by name and phone, a person form with errors, another county's record with a query string.
    staff = login(personas.investigator_a, Client())
    staff.get(f"/staff/people/?q={quote(NAME)}")
    staff.get(f"/staff/people/?q={PHONE}")
    staff.get(f"/staff/tips/?q={PHONE}")
    staff.post("/staff/people/new/", {"name": NAME, "phones": PHONE, "id_number": ID_NUMBER, "sex": "?"})
    staff.get(f"/staff/people/987654/?phone={PHONE}&name={quote(NAME)}")
    staff.get(f"/staff/cases/?q={quote(NAME)}")
    # Staff API with a token: search, a create with errors, a 404 with the canary in the query string.
    token = token_create(actor=personas.investigator_a, name="canary", mfa_verified=True).plaintext
    bearer: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    public.get(f"/api/v1/people?q={quote(NAME)}", **bearer)
    public.post(
        "/api/v1/people",
        json.dumps(
            {"jurisdiction": "510107", "names": [NAME], "phones": [PHONE], "id_numbers": ["x" + ID_NUMBER]}
        ),
        content_type="application/json",
        **bearer,
    )
    public.get(f"/api/v1/people/987654?phone={PHONE}", **bearer)
    public.get(f"/api/v1/tips/reports?q={PHONE}", **bearer)
    # Logging in with the canary as the user name (a typo'd phone number in the user-name field).
    public.post("/accounts/login/", {"username": PHONE, "password": NAME, "otp_token": "123456"})

    assert len(logs.texts) > 3, "the walk should have produced some log records (404s, refusals, tips)"
    assert not leaks(logs), "personal data in the logs:\n" + "\n---\n".join(leaks(logs))
