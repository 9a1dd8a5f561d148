"""Shared fixtures: a signing identity generated once per test session and sample messages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from homeward.engines.cap.message import (
    CapMessage,
    alert_message,
    all_clear_info,
    all_clear_message,
    cancel_message,
    update_message,
)
from homeward.engines.cap.signing import SigningIdentity, load_signing_identity, make_self_signed_cert
from homeward.engines.cap.tests.samples import LAST_SEEN, SENDER, active_infos


@pytest.fixture(scope="session")
def pem_pair() -> tuple[bytes, bytes]:
    return make_self_signed_cert("Homeward CAP test signer")


@pytest.fixture(scope="session")
def identity(pem_pair: tuple[bytes, bytes]) -> SigningIdentity:
    return load_signing_identity(*pem_pair)


@pytest.fixture()
def release() -> CapMessage:
    return alert_message(
        "HW-42-1", SENDER, LAST_SEEN + timedelta(minutes=20), active_infos(100), incidents=["HW-42"]
    )


@pytest.fixture()
def update(release: CapMessage) -> CapMessage:
    return update_message(
        "HW-42-2",
        SENDER,
        LAST_SEEN + timedelta(hours=1, minutes=1),
        active_infos(200),
        [release],
        incidents=["HW-42"],
    )


@pytest.fixture()
def closure(release: CapMessage, update: CapMessage) -> CapMessage:
    infos = [
        all_clear_info("zh-CN", headline="孩子已找到，感谢您的关注", area_desc="北京市东城区"),
        all_clear_info(
            "en-US", headline="The child has been found. Thank you.", area_desc="Dongcheng, Beijing"
        ),
    ]
    return all_clear_message(
        "HW-42-3", SENDER, LAST_SEEN + timedelta(hours=5), infos, [release, update], incidents=["HW-42"]
    )


@pytest.fixture()
def cancel(release: CapMessage, update: CapMessage) -> CapMessage:
    return cancel_message(
        "HW-42-4",
        SENDER,
        LAST_SEEN + timedelta(hours=2),
        [release, update],
        note="报告不实",
        incidents=["HW-42"],
    )
