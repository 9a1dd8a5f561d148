"""Fixtures of the alerts tests: command-centre officers in county A and B, a partner agency, a valid alert."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from conftest import COUNTY_A


def png_bytes(color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), color).save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name: str = "child.png", color: str = "red") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(color), content_type="image/png")


@pytest.fixture(autouse=True)
def _alert_settings(tmp_path_factory: Any, settings: Any) -> None:
    settings.ALERTS_SIGNING_DIR = tmp_path_factory.getbasetemp() / "alerts-signing"
    settings.ALERTS_ALLOW_PRIVATE_TARGETS = True
    settings.ALERTS_PUBLIC_BASE_URL = "https://homeward.example.cn"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def cc(personas: Any, make_user: Any) -> Any:
    """Command-centre officers: a (county A), b (county B), province (Sichuan)."""
    from homeward.accounts.roles import Role

    class CC:
        a = make_user("cc_a", personas.police_a, [Role.COMMAND_CENTRE])
        b = make_user("cc_b", personas.police_b, [Role.COMMAND_CENTRE])
        province = make_user("cc_prov", personas.police_province, [Role.COMMAND_CENTRE])

    return CC


@pytest.fixture
def partner_agency(db: Any) -> Any:
    from homeward.accounts.roles import AgencyType
    from homeward.accounts.services import agency_create

    return agency_create(
        actor=None, name="团圆合作平台", type=AgencyType.PARTNER_PLATFORM, division_code="000000"
    )


def alert_data(**overrides: Any) -> Any:
    from homeward.alerts.services import AlertData

    values: dict[str, Any] = {
        "name": "陈明明",
        "sex": "male",
        "birth_date": timezone.localdate() - timedelta(days=365 * 8 + 30),
        "height_cm": 128,
        "weight_kg": 26,
        "clothing": "红色上衣，蓝色牛仔裤，白色运动鞋",
        "marks": "左眉上方有一颗痣",
        "circumstances": "lost",
        "last_seen_at": timezone.now() - timedelta(minutes=20),
        "last_seen_lat": 30.6415,
        "last_seen_lon": 104.0430,
        "last_seen_place": "武侯区人民南路四段",
        "police_confirmed": True,
        "contact_phone": "110",
        "photos": [png_upload()],
    }
    values.update(overrides)
    return AlertData(**values)


@pytest.fixture
def released(cc: Any) -> Any:
    from homeward.alerts.services import alert_release

    def release(actor: Any = None, **overrides: Any) -> Any:
        return alert_release(actor=actor or cc.a, data=alert_data(**overrides))

    return release


class Receiver:
    """A loopback webhook endpoint: answers `status` (after `delay` s) and keeps what it received."""

    def __init__(self, status: int = 204) -> None:
        self.status = status
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Any:
    made: list[Receiver] = []

    def make(status: int = 204) -> Receiver:
        r = Receiver(status)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


__all__ = ["COUNTY_A", "alert_data", "override_settings", "png_bytes", "png_upload"]
