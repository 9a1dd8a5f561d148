"""Adapting alerts to the CAP engine: the one place that turns an Alert into signed CAP 1.2 messages.

The child's name, sex and age are read from the linked person record when a message is built (by the release,
edit, growth and closure services, which audit themselves); they are published, never copied into alert rows.
Closure messages carry no personal data at all.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from homeward.alerts import conf
from homeward.alerts.models import Alert, AlertMessage, AlertStatus, Circumstance, MessageKind
from homeward.engines.cap import (
    CapArea,
    CapCircle,
    CapInfo,
    CapReference,
    CapResource,
    alert_message,
    all_clear_info,
    all_clear_message,
    cancel_message,
    format_cap_datetime,
    missing_child_info,
    sign_cap,
    to_xml,
    update_message,
    validate_cap,
)
from homeward.people.models import Sex
from homeward.regions.selectors import division_label

CIRCUMSTANCE_ZH = {
    Circumstance.ABDUCTION: "疑似被拐骗或被抢",
    Circumstance.LOST: "走失",
    Circumstance.RUNAWAY: "离家出走",
    Circumstance.UNKNOWN: "原因不明",
}
SEX_ZH: dict[str, str] = {Sex.MALE: "男", Sex.FEMALE: "女", Sex.UNKNOWN: "不详"}
SEX_EN: dict[str, str] = {Sex.MALE: "boy", Sex.FEMALE: "girl", Sex.UNKNOWN: "child"}
EVENT_TYPES = {
    MessageKind.ALERT: "alert.released",
    MessageKind.UPDATE: "alert.updated",
    MessageKind.ALL_CLEAR: "alert.found",
    MessageKind.CANCEL: "alert.cancelled",
}


def absolute(path: str) -> str:
    return conf.public_base_url() + path


def page_url(alert: Alert) -> str:
    return absolute(reverse("alerts_public:page", args=[alert.public_id]))


def public_cap_url(alert: Alert) -> str:
    return absolute(reverse("alerts_public:cap", args=[alert.public_id]))


def photo_url(alert: Alert, photo_id: int) -> str:
    return absolute(reverse("alerts_public:photo", args=[alert.public_id, photo_id]))


def child_name(alert: Alert) -> str:
    return alert.person.primary_name or "未具名儿童"


def child_age(alert: Alert, at: datetime | None = None) -> int | None:
    person = alert.person
    today = timezone.localdate(at) if at else timezone.localdate()
    if person.birth_date:
        born = person.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if person.birth_year_min and person.birth_year_max:
        return today.year - (person.birth_year_min + person.birth_year_max) // 2
    return None


def description_zh(alert: Alert) -> str:
    person = alert.person
    age = child_age(alert)
    parts = [f"性别：{SEX_ZH.get(person.sex, '不详')}"]
    if age is not None:
        born = f"（{person.birth_date:%Y年%m月%d日}出生）" if person.birth_date else ""
        parts.append(f"年龄：{age}岁{born}")
    if alert.height_cm:
        parts.append(f"身高：约{alert.height_cm}厘米")
    if alert.weight_kg:
        parts.append(f"体重：约{alert.weight_kg}公斤")
    lines = ["；".join(parts) + "。"]
    if alert.clothing:
        lines.append(f"衣着：{alert.clothing}")
    if alert.marks:
        lines.append(f"体貌特征：{alert.marks}")
    seen = timezone.localtime(alert.last_seen_at).strftime("%Y年%m月%d日 %H:%M")
    place = alert.last_seen_place or division_label(alert.last_seen_division)
    lines.append(f"最后出现：{seen}，{place}。")
    lines.append(f"情况：{CIRCUMSTANCE_ZH.get(Circumstance(alert.circumstances), '原因不明')}。")
    if alert.description:
        lines.append(alert.description)
    if alert.suspect:
        lines.append(f"嫌疑人：{alert.suspect}")
    if alert.vehicle:
        lines.append(f"车辆：{alert.vehicle}")
    return "\n".join(lines)


def _area(alert: Alert, radius_km: float) -> CapArea:
    label = division_label(alert.last_seen_division)
    desc = f"{label} {alert.last_seen_place}".strip() + f"（半径{radius_km:g}公里）"
    return CapArea(
        area_desc=desc,
        circles=(CapCircle(alert.last_seen_lat, alert.last_seen_lon, radius_km),),
        geocodes=(("GB/T 2260", alert.last_seen_division),),
    )


def _photos(alert: Alert) -> list[CapResource]:
    resources = []
    for photo in alert.photos.all():
        with photo.image.open("rb") as handle:
            data = handle.read()
        resources.append(CapResource.from_bytes("照片", photo.content_type, data, photo_url(alert, photo.pk)))
    return resources


def active_infos(alert: Alert, radius_km: float, sender_name: str) -> list[CapInfo]:
    area = _area(alert, radius_km)
    resources = _photos(alert)
    name = child_name(alert)
    age = child_age(alert)
    age_text = f"，{age}岁" if age is not None else ""
    params = (
        ("radius_km", f"{radius_km:g}"),
        ("last_seen", format_cap_datetime(alert.last_seen_at)),
        ("alert_version", str(alert.version)),
    )
    zh = missing_child_info(
        "zh-CN",
        headline=f"紧急寻找失踪儿童：{name}（{SEX_ZH.get(alert.person.sex, '不详')}{age_text}）",
        description=description_zh(alert),
        area=area,
        expires=alert.expires_at,
        instruction="如发现该儿童，请立即拨打110或当地警方电话，并可在网页上报告线索。请勿自行追赶嫌疑人。",
        web=page_url(alert),
        contact=alert.contact_phone,
        sender_name=sender_name,
        photo=resources[0] if resources else None,
        parameters=params,
    )
    if len(resources) > 1:
        zh = replace(zh, resources=tuple(resources))
    infos = [zh]
    if alert.description_en.strip():
        sex_en = SEX_EN.get(alert.person.sex, "child")
        en_age = f", {age}" if age is not None else ""
        en = missing_child_info(
            "en-US",
            headline=f"Missing {sex_en}: {name}{en_age}",
            description=alert.description_en.strip(),
            area=area,
            expires=alert.expires_at,
            instruction="If you see this child, call 110 at once and report the sighting on the web page.",
            web=page_url(alert),
            contact=alert.contact_phone,
            sender_name=sender_name,
            parameters=params,
        )
        if resources:
            en = replace(en, resources=tuple(resources))
        infos.append(en)
    return infos


def closing_infos(alert: Alert, sender_name: str) -> list[CapInfo]:
    """No name, description, photo or circle: partners drop what they hold about the child."""
    area_desc = division_label(alert.last_seen_division)
    if alert.status == AlertStatus.FOUND:
        zh, en = "失踪儿童已找到，感谢社会各界协助", "The child has been found. Thank you for your help."
    elif alert.status == AlertStatus.FALSE_REPORT:
        zh, en = "该寻人警报已撤销", "This alert has been withdrawn."
    else:
        zh, en = "该寻人警报已到期", "This alert has expired."
    return [
        all_clear_info(
            "zh-CN", headline=zh, area_desc=area_desc, web=page_url(alert), sender_name=sender_name
        ),
        all_clear_info(
            "en-US", headline=en, area_desc=area_desc, web=page_url(alert), sender_name=sender_name
        ),
    ]


def _references(previous: list[AlertMessage]) -> list[CapReference]:
    return [CapReference(sender=conf.cap_sender(), identifier=m.identifier, sent=m.sent) for m in previous]


def build_message(
    alert: Alert, kind: str, seq: int, previous: list[AlertMessage], sender_name: str
) -> dict[str, Any]:
    """Fields for a new AlertMessage: a signed, schema-valid CAP document and its webhook body."""
    sent = timezone.now().replace(microsecond=0)
    identifier = f"homeward-{alert.public_id}-{seq}"
    sender = conf.cap_sender()
    incidents = [f"homeward-{alert.public_id}"]
    refs = _references(previous)
    if kind == MessageKind.ALERT:
        message = alert_message(
            identifier, sender, sent, active_infos(alert, alert.radius_km, sender_name), incidents=incidents
        )
    elif kind == MessageKind.UPDATE:
        message = update_message(
            identifier,
            sender,
            sent,
            active_infos(alert, alert.radius_km, sender_name),
            refs,
            incidents=incidents,
        )
    elif kind == MessageKind.ALL_CLEAR:
        message = all_clear_message(
            identifier, sender, sent, closing_infos(alert, sender_name), refs, incidents=incidents
        )
    else:
        note = "false report" if alert.status == AlertStatus.FALSE_REPORT else "expired"
        message = cancel_message(
            identifier,
            sender,
            sent,
            refs,
            infos=closing_infos(alert, sender_name),
            incidents=incidents,
            note=note,
        )
    signed = sign_cap(to_xml(message), conf.signing_identity())
    validate_cap(signed, backend="lxml")
    xml = signed.decode("utf-8")
    event_type = EVENT_TYPES[MessageKind(kind)]
    if kind == MessageKind.CANCEL and alert.status == AlertStatus.EXPIRED:
        event_type = "alert.expired"
    body = json.dumps(
        {
            "type": event_type,
            "timestamp": format_cap_datetime(sent),
            "data": {
                "alert": str(alert.public_id),
                "identifier": identifier,
                "msg_type": message.msg_type,
                "status": alert.status,
                "version": seq,
                "page_url": page_url(alert),
                "cap_url": public_cap_url(alert),
                "cap": xml,
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return {
        "seq": seq,
        "kind": kind,
        "event_type": event_type,
        "identifier": identifier,
        "sent": sent,
        "xml": xml,
        "body": body,
        "radius_km": alert.radius_km if kind in (MessageKind.ALERT, MessageKind.UPDATE) else None,
    }
