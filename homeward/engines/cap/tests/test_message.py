"""CAP 1.2 messages: content, element order and validation against the official XSD."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from lxml import etree

from homeward.engines.cap.message import (
    CAP_NS,
    CHINA_TZ,
    SCHEMA_PATH,
    CapArea,
    CapCircle,
    CapError,
    CapInfo,
    CapMessage,
    CapReference,
    CapResource,
    CapValidationError,
    alert_message,
    format_cap_datetime,
    is_valid_cap,
    parse_cap_datetime,
    parse_xml,
    to_xml,
    update_message,
    validate_cap,
)
from homeward.engines.cap.tests.samples import LAST_SEEN, PHOTO, SENDER, active_infos

NS = {"cap": CAP_NS}


def _tree(message: CapMessage) -> etree._Element:
    return etree.fromstring(to_xml(message))


def test_schema_file_is_the_oasis_cap_12_schema() -> None:
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    assert "Copyright OASIS Open 2010" in text
    assert 'targetNamespace="urn:oasis:names:tc:emergency:cap:1.2"' in text
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == (
        "f6c6ed7537a463968b7b36110f7e8bba1f86ad2257a8b84619d7dce530e57401"
    )


@pytest.mark.parametrize("name", ["release", "update", "closure", "cancel"])
def test_every_lifecycle_message_validates(name: str, request: pytest.FixtureRequest) -> None:
    message: CapMessage = request.getfixturevalue(name)
    document = to_xml(message)
    validate_cap(document)
    validate_cap(document, backend="lxml")
    assert is_valid_cap(document)
    assert is_valid_cap(to_xml(message, pretty=False))


def test_release_content(release: CapMessage) -> None:
    root = _tree(release)
    assert root.tag == f"{{{CAP_NS}}}alert"
    assert root.findtext("cap:msgType", namespaces=NS) == "Alert"
    # released 20 min after 09:00 China time
    assert root.findtext("cap:sent", namespaces=NS) == "2026-06-01T09:20:00+08:00"
    assert root.find("cap:references", namespaces=NS) is None
    infos = root.findall("cap:info", namespaces=NS)
    assert [i.findtext("cap:language", namespaces=NS) for i in infos] == ["zh-CN", "en-US"]
    zh = infos[0]
    assert zh.findtext("cap:category", namespaces=NS) == "Rescue"
    assert zh.findtext("cap:urgency", namespaces=NS) == "Immediate"
    assert zh.findtext("cap:expires", namespaces=NS) == "2026-06-04T09:00:00+08:00"
    assert zh.findtext("cap:area/cap:circle", namespaces=NS) == "39.914200,116.417400 100"
    assert zh.findtext("cap:area/cap:geocode/cap:value", namespaces=NS) == "110101"
    resource = zh.find("cap:resource", namespaces=NS)
    assert resource.findtext("cap:mimeType", namespaces=NS) == "image/jpeg"
    assert resource.findtext("cap:size", namespaces=NS) == str(len(PHOTO))
    assert resource.findtext("cap:digest", namespaces=NS) == hashlib.sha1(PHOTO).hexdigest()  # noqa: S324
    assert resource.findtext("cap:uri", namespaces=NS) == "https://homeward.example.cn/a/42/photo.jpg"


def test_info_children_follow_schema_order(release: CapMessage) -> None:
    info = _tree(release).find("cap:info", namespaces=NS)
    names = [etree.QName(child).localname for child in info]
    expected_order = [
        "language",
        "category",
        "event",
        "responseType",
        "urgency",
        "severity",
        "certainty",
        "expires",
        "headline",
        "description",
        "instruction",
        "web",
        "contact",
        "resource",
        "area",
    ]
    assert names == expected_order


def test_update_references_earlier_messages(release: CapMessage, update: CapMessage) -> None:
    root = _tree(update)
    assert root.findtext("cap:msgType", namespaces=NS) == "Update"
    assert root.findtext("cap:references", namespaces=NS) == (
        "alerts@homeward.example.cn,HW-42-1,2026-06-01T09:20:00+08:00"
    )
    assert root.findtext("cap:incidents", namespaces=NS) == "HW-42"
    assert root.findtext("cap:info/cap:area/cap:circle", namespaces=NS).endswith(" 200")


def test_closure_is_all_clear_without_personal_data(closure: CapMessage) -> None:
    root = _tree(closure)
    assert root.findtext("cap:msgType", namespaces=NS) == "Update"
    refs = root.findtext("cap:references", namespaces=NS).split(" ")
    assert [ref.split(",")[1] for ref in refs] == ["HW-42-1", "HW-42-2"]
    for info in root.findall("cap:info", namespaces=NS):
        assert info.findtext("cap:responseType", namespaces=NS) == "AllClear"
        assert info.findtext("cap:urgency", namespaces=NS) == "Past"
        for absent in ("description", "resource", "instruction", "contact"):
            assert info.find(f"cap:{absent}", namespaces=NS) is None
        assert info.find("cap:area/cap:circle", namespaces=NS) is None
    text = to_xml(closure).decode()
    assert "张小明" not in text
    assert "photo" not in text


def test_all_clear_adds_response_type_to_plain_infos(release: CapMessage) -> None:
    from homeward.engines.cap.message import all_clear_message

    plain = CapInfo(
        language="zh-CN",
        categories=("Rescue",),
        event="儿童失踪",
        urgency="Past",
        severity="Minor",
        certainty="Observed",
    )
    message = all_clear_message("HW-42-9", SENDER, LAST_SEEN + timedelta(hours=6), [plain], [release])
    assert message.infos[0].response_types == ("AllClear",)


def test_cancel_references_and_validates(cancel: CapMessage) -> None:
    root = _tree(cancel)
    assert root.findtext("cap:msgType", namespaces=NS) == "Cancel"
    assert root.findtext("cap:note", namespaces=NS) == "报告不实"
    assert root.find("cap:info", namespaces=NS) is None


def test_schema_rejects_z_datetimes(release: CapMessage) -> None:
    # CAP 1.2 forbids the "Z" designator; the official pattern enforces it.
    document = to_xml(release).replace(b"2026-06-01T09:20:00+08:00", b"2026-06-01T01:20:00Z")
    with pytest.raises(CapValidationError, match="sent"):
        validate_cap(document)
    with pytest.raises(CapValidationError, match="sent"):
        validate_cap(document, backend="lxml")
    with pytest.raises(ValueError, match="backend"):
        validate_cap(to_xml(release), backend="xerces")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"<msgType>Alert</msgType>", b"<msgType>Notice</msgType>"),
        (b"<category>Rescue</category>", b"<category>Child</category>"),
        (b"<scope>Public</scope>", b""),
        (b"<urgency>Immediate</urgency>", b"<urgency>Immediate</urgency><urgency>Past</urgency>"),
    ],
)
def test_schema_rejects_broken_documents(release: CapMessage, old: bytes, new: bytes) -> None:
    document = to_xml(release)
    assert old in document
    broken = document.replace(old, new, 1)
    assert not is_valid_cap(broken)
    assert not is_valid_cap(broken, backend="lxml")  # both validators agree


def test_validate_rejects_malformed_xml() -> None:
    with pytest.raises(CapValidationError, match="well-formed"):
        validate_cap(b"<alert><unclosed></alert>")


def test_parser_does_not_expand_external_entities(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    document = (
        f'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<alert xmlns="{CAP_NS}"><identifier>&x;</identifier></alert>'
    ).encode()
    root = parse_xml(document)
    assert "TOP-SECRET" not in etree.tostring(root).decode()


def test_format_cap_datetime() -> None:
    instant = datetime(2026, 6, 1, 1, 20, 59, 999_999, tzinfo=UTC)
    assert format_cap_datetime(instant) == "2026-06-01T09:20:59+08:00"
    # UTC itself is written -00:00 (CAP 1.2 section 3.3.2), never Z or +00:00
    assert format_cap_datetime(instant, UTC) == "2026-06-01T01:20:59-00:00"
    assert format_cap_datetime(instant, None) == "2026-06-01T01:20:59-00:00"
    minus_five = timezone(timedelta(hours=-5))
    assert format_cap_datetime(instant, minus_five) == "2026-05-31T20:20:59-05:00"
    india = timezone(timedelta(hours=5, minutes=30))
    assert format_cap_datetime(instant, india) == "2026-06-01T06:50:59+05:30"
    with pytest.raises(CapError, match="timezone-aware"):
        format_cap_datetime(datetime(2026, 6, 1))
    assert parse_cap_datetime("2026-06-01T09:20:59+08:00") == instant.replace(microsecond=0)
    with pytest.raises(CapError):
        parse_cap_datetime("2026-06-01T01:20:59Z")


def test_resource_from_bytes_uses_sha1() -> None:
    # FIPS 180 test vector: SHA-1("abc")
    resource = CapResource.from_bytes("photo", "image/png", b"abc")
    assert resource.digest == "a9993e364706816aba3e25717850c26c9cd0d89d"
    assert resource.size == 3


def test_circle_text() -> None:
    assert CapCircle(39.9, 116.4, 100).to_text() == "39.900000,116.400000 100"
    assert CapCircle(-33.5, -70.25, 12.5).to_text() == "-33.500000,-70.250000 12.5"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"identifier": "HW 42"}, "identifier"),
        ({"identifier": "HW,42"}, "identifier"),
        ({"sender": "a&b"}, "sender"),
        ({"sent": datetime(2026, 6, 1, 9)}, "sent"),
        ({"status": "Live"}, "status"),
        ({"scope": "Restricted"}, "restriction"),
        ({"scope": "Private"}, "addresses"),
        ({"msg_type": "Update"}, "references"),
        ({"note": "bad\x01char"}, "note"),
    ],
)
def test_message_field_errors_name_the_field(kwargs: dict, message: str) -> None:
    fields: dict[str, Any] = {
        "identifier": "HW-1",
        "sender": SENDER,
        "sent": LAST_SEEN,
        "status": "Actual",
        "msg_type": "Alert",
        "scope": "Public",
    }
    fields.update(kwargs)
    with pytest.raises(CapError, match=message):
        CapMessage(**fields)


def test_self_reference_and_duplicate_languages_rejected() -> None:
    with pytest.raises(CapError, match="itself"):
        CapMessage(
            identifier="HW-1",
            sender=SENDER,
            sent=LAST_SEEN,
            status="Actual",
            msg_type="Update",
            scope="Public",
            references=(CapReference(SENDER, "HW-1", LAST_SEEN),),
        )
    infos = active_infos(100, with_english=False) * 2
    with pytest.raises(CapError, match="one info block per language"):
        alert_message("HW-1", SENDER, LAST_SEEN, infos)


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: CapCircle(95.0, 116.0, 10), "circle.lat"),
        (lambda: CapCircle(39.0, 181.0, 10), "circle.lon"),
        (lambda: CapCircle(39.0, 116.0, -1), "radius"),
        (lambda: CapArea(area_desc="  "), "areaDesc"),
        (lambda: CapResource("p", "jpeg", size=3), "mimeType"),
        (lambda: CapResource("p", "image/jpeg", size=-1), "size"),
        (lambda: CapResource("p", "image/jpeg", digest="XYZ"), "digest"),
        (
            lambda: CapInfo(
                language="zh_CN",
                categories=("Rescue",),
                event="e",
                urgency="Past",
                severity="Minor",
                certainty="Observed",
            ),
            "language",
        ),
        (
            lambda: CapInfo(
                language="zh-CN",
                categories=(),
                event="e",
                urgency="Past",
                severity="Minor",
                certainty="Observed",
            ),
            "category",
        ),
        (
            lambda: CapInfo(
                language="zh-CN",
                categories=("Rescue",),
                event="e",
                urgency="Now",
                severity="Minor",
                certainty="Observed",
            ),
            "urgency",
        ),
        (
            lambda: CapInfo(
                language="zh-CN",
                categories=("Rescue",),
                event="e",
                urgency="Past",
                severity="Minor",
                certainty="Observed",
                expires=datetime(2026, 1, 1),
            ),
            "expires",
        ),
    ],
)
def test_part_errors_name_the_field(factory, message: str) -> None:
    with pytest.raises(CapError, match=message):
        factory()


def test_update_without_infos_rejected(release: CapMessage) -> None:
    with pytest.raises(CapError, match="info"):
        update_message("HW-42-2", SENDER, LAST_SEEN, [], [release])


def test_exercise_status_and_english_only(release: CapMessage) -> None:
    infos = [info for info in release.infos if info.language == "en-US"]
    message = alert_message("HW-EX-1", SENDER, datetime.now(CHINA_TZ), infos, status="Exercise")
    validate_cap(to_xml(message))
