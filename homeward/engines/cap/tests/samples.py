"""Sample CAP content shared by the tests: one missing-child alert through its lifecycle."""

from __future__ import annotations

from datetime import datetime, timedelta

from homeward.engines.cap.message import (
    CHINA_TZ,
    CapArea,
    CapCircle,
    CapInfo,
    CapResource,
    missing_child_info,
)

SENDER = "alerts@homeward.example.cn"
LAST_SEEN = datetime(2026, 6, 1, 9, 0, tzinfo=CHINA_TZ)
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4


def active_infos(radius: float, with_english: bool = True) -> list[CapInfo]:
    area = CapArea(
        area_desc=f"北京市东城区王府井周边 {radius:g} 公里",
        circles=(CapCircle(39.9142, 116.4174, radius),),
        geocodes=(("GB/T 2260", "110101"),),
    )
    photo = CapResource.from_bytes(
        "儿童照片", "image/jpeg", PHOTO, uri="https://homeward.example.cn/a/42/photo.jpg"
    )
    infos = [
        missing_child_info(
            "zh-CN",
            headline="紧急寻找走失儿童：张小明，男，8岁",
            description="身高130厘米，穿红色上衣、蓝色牛仔裤，左眉上方有小疤。",
            instruction="如发现请立即拨打110或在页面提交线索。",
            web="https://homeward.example.cn/a/42",
            contact="110",
            expires=LAST_SEEN + timedelta(hours=72),
            area=area,
            photo=photo,
        )
    ]
    if with_english:
        infos.append(
            missing_child_info(
                "en-US",
                headline="Missing child: Zhang Xiaoming, boy, 8",
                description="130 cm, red top, blue jeans, small scar above the left eyebrow.",
                instruction="Call 110 or report a sighting on the alert page.",
                web="https://homeward.example.cn/a/42",
                contact="110",
                expires=LAST_SEEN + timedelta(hours=72),
                area=area,
                photo=photo,
            )
        )
    return infos
