"""Demo data of the alerts app: active and closed alerts with sightings, and a demo partner that receives them.

Idempotent: nothing is added when the demo alerts exist. Deliveries made while loading go through the demo
partner's own receiving code in-process (no server runs during `load_demo`); later ones go over HTTP from the
task worker to /alerts/demo-partner/receive/.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from homeward.accounts.models import Agency, User
from homeward.accounts.roles import AgencyType
from homeward.alerts import conf, selectors, services, transport
from homeward.alerts.models import Alert, AlertPartner, Delivery, DeliveryState
from homeward.core import context
from homeward.engines.cap import generate_webhook_secret

DEMO_PARTNER_PATH = "/alerts/demo-partner/receive/"


def _photo(color: str, name: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (240, 300), "#f3efe6")
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 40, 170, 150), fill="#e9c9a8")
    draw.rectangle((55, 160, 185, 300), fill=color)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _demo_partner() -> AlertPartner | None:
    agency = Agency.objects.filter(type=AgencyType.PARTNER_PLATFORM, name__contains="演示").first()
    if agency is None:
        return None
    url = conf.public_base_url() + DEMO_PARTNER_PATH
    partner = AlertPartner.objects.filter(agency=agency, endpoint_url=url).first()
    if partner is None:
        # Created directly: the demo endpoint is this platform itself, which the SSRF guard would refuse under
        # settings that forbid loopback targets.
        partner = AlertPartner.objects.create(
            jurisdiction=agency.division_id,
            agency=agency,
            name="团圆演示平台 webhook",
            endpoint_url=url,
            secret_enc=conf.encrypt_secret(generate_webhook_secret()),
        )
    return partner


def _deliver_in_process() -> int:
    """Hand pending demo-partner deliveries to the demo receiver's own code, as the HTTP view would."""
    count = 0
    now = timezone.now()
    pending = Delivery.objects.filter(
        state=DeliveryState.PENDING, partner__endpoint_url__endswith=DEMO_PARTNER_PATH
    ).select_related("partner", "message")
    for delivery in pending:
        request = services._request_for(delivery, now)
        receipt = services.demo_receipt_record(
            secrets=services.partner_secrets(delivery.partner), headers=request.headers, body=request.body
        )
        services.delivery_record(
            result=transport.OutboundResult(
                delivery.pk, receipt.verified, 204, receipt.error, 3, now.timestamp()
            )
        )
        count += 1
    return count


def _sighting(alert: Alert, address: str, minutes_ago: int, what: str, **place: Any) -> None:
    services.sighting_submit(
        alert_public_id=alert.public_id,
        data=services.SightingData(
            seen_at=timezone.now() - timedelta(minutes=minutes_ago), what_seen=what, contact="", **place
        ),
        address=address,
    )


def load(report: Any) -> None:
    if Alert.objects.filter(jurisdiction__in=["510107", "510106", "530102"]).exists():
        report.notes["alerts"] = "demo alerts already present"
        return
    users = {u.username: u for u in User.objects.filter(username__startswith="command_centre_")}
    wuhou, jinniu, wuhua = (users.get(f"command_centre_{c}") for c in ("wuhou", "jinniu", "wuhua"))
    if wuhou is None or jinniu is None or wuhua is None:
        report.notes["alerts"] = "command-centre demo users missing; no demo alerts"
        return
    partner = _demo_partner()
    now = timezone.now()
    today = timezone.localdate()
    with context.use(context.RequestContext(channel="cli")):
        active = services.alert_release(
            actor=wuhou,
            data=services.AlertData(
                name="张小宇",
                sex="male",
                birth_date=today.replace(year=today.year - 7),
                height_cm=122,
                weight_kg=23,
                clothing="蓝色校服上衣，黑色运动裤，红色书包",
                marks="右耳下方有一块褐色胎记",
                description="放学后在校门口等候家长时走失，说普通话和四川话。",
                description_en="Boy, 7, blue school uniform top, black trousers, red school bag.",
                circumstances="lost",
                last_seen_at=now - timedelta(minutes=40),
                last_seen_lat=30.6425,
                last_seen_lon=104.0436,
                last_seen_place="武侯区棕北小学门口",
                police_confirmed=True,
                contact_phone="028-85123110",
                photos=[_photo("#2f5fa8", "xiaoyu.png")],
            ),
        )
        abduction = services.alert_release(
            actor=jinniu,
            data=services.AlertData(
                name="刘欣怡",
                sex="female",
                birth_date=today.replace(year=today.year - 4),
                height_cm=102,
                clothing="粉色连衣裙，白色凉鞋，扎两个小辫",
                circumstances="abduction",
                suspect="中年男子，身高约170厘米，穿灰色夹克，戴黑色鸭舌帽",
                vehicle="白色面包车，车牌号川A·7K3**",
                last_seen_at=now - timedelta(hours=2, minutes=30),
                last_seen_lat=30.7067,
                last_seen_lon=104.0489,
                last_seen_place="金牛区荷花池批发市场北门",
                police_confirmed=True,
                photos=[_photo("#e58fb3", "xinyi.png")],
            ),
        )
        found = services.alert_release(
            actor=wuhou,
            data=services.AlertData(
                name="王浩然",
                sex="male",
                birth_date=today.replace(year=today.year - 10),
                height_cm=140,
                clothing="白色T恤，蓝色短裤，绿色运动鞋",
                circumstances="runaway",
                last_seen_at=now - timedelta(hours=20),
                last_seen_lat=30.6271,
                last_seen_lon=104.0573,
                last_seen_place="武侯区双楠公园",
                police_confirmed=True,
            ),
        )
        false_report = services.alert_release(
            actor=wuhua,
            data=services.AlertData(
                name="李梓涵",
                sex="female",
                birth_date=today.replace(year=today.year - 12),
                height_cm=150,
                clothing="黄色羽绒服，牛仔裤",
                circumstances="unknown",
                last_seen_at=now - timedelta(hours=30),
                last_seen_lat=25.0433,
                last_seen_lon=102.7069,
                last_seen_place="五华区翠湖公园",
                police_confirmed=True,
            ),
        )
        delivered = _deliver_in_process() if partner is not None else 0
        _sighting(
            active,
            "198.51.100.11",
            15,
            "在人民南路地铁站看到一个穿蓝色校服、背红书包的男孩独自往南走。",
            lat=30.6302,
            lon=104.0702,
            place="人民南路四段地铁站C口",
        )
        _sighting(
            active,
            "198.51.100.12",
            8,
            "公交车上有个小男孩在哭，右耳下面有胎记。",
            place="99路公交，往桐梓林方向",
        )
        _sighting(
            abduction,
            "198.51.100.13",
            60,
            "看到一辆白色面包车停在路边，一个穿粉裙子的小女孩被抱上车。",
            lat=30.7312,
            lon=104.0951,
            place="成绵高速入口附近",
        )
        _sighting(found, "198.51.100.14", 600, "好像在双楠公园见过这个孩子。", place="双楠公园南门")
        queue = selectors.sighting_queue(actor=wuhou, alert_id=active.pk)
        services.sighting_review(
            actor=wuhou,
            sighting_id=queue[-1].pk,
            status="useful",
            follow_up="lead",
            note="已派巡逻警力前往地铁站核查",
        )
        services.alert_close(actor=wuhou, alert_id=found.pk, outcome="found", note="在亲戚家找到，平安")
        services.alert_close(
            actor=wuhua, alert_id=false_report.pk, outcome="false_report", note="孩子在同学家，报警人误报"
        )
        delivered += _deliver_in_process() if partner is not None else 0
    report.notes["alerts"] = (
        f"4 alerts (2 active: {active.pk}, {abduction.pk}; found: {found.pk}; false report: {false_report.pk}), "
        f"4 sightings, {delivered} deliveries received by the demo partner"
    )
