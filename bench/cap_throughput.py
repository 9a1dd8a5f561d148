"""Benchmark: CAP messages built, signed (XML-DSig RSA-SHA256) and validated (CAP 1.2 XSD) per second.

Run from the repository root:  .venv/bin/python bench/cap_throughput.py [--quick]

Stages are timed separately over the same messages so each figure has a baseline in the same run:
building the XML alone, building + signing, building + signing + XSD validation (what the alerts app
does for every release/update/closure), and partner-side verification. Also times the per-partner
region filter for a 50-partner registry. Prints ``BENCH`` lines.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homeward.engines.cap import (
    CHINA_TZ,
    CapArea,
    CapCircle,
    CapResource,
    RegionIndex,
    ServiceRegion,
    alert_message,
    circle_meets_region,
    is_valid_cap,
    load_signing_identity,
    make_self_signed_cert,
    missing_child_info,
    radius_km,
    sign_cap,
    to_xml,
    update_message,
    validate_cap,
    verify_cap,
)

LAST_SEEN = datetime(2026, 6, 1, 9, 0, tzinfo=CHINA_TZ)
PHOTO = bytes(range(256)) * 200  # a 51 kB stand-in for a JPEG


def _messages(n: int) -> list:
    rng = np.random.default_rng(7)
    photo = CapResource.from_bytes("儿童照片", "image/jpeg", PHOTO, uri="https://homeward.example.cn/p.jpg")
    messages = []
    previous = None
    for i in range(n):
        now = LAST_SEEN + timedelta(minutes=int(i % 300))
        lat, lon = float(rng.uniform(20, 45)), float(rng.uniform(100, 125))
        area = CapArea(f"区域 {i}", circles=(CapCircle(lat, lon, radius_km(LAST_SEEN, now)),))
        infos = [
            missing_child_info(
                lang,
                headline=f"紧急寻找走失儿童 #{i}",
                description="身高130厘米，穿红色上衣、蓝色牛仔裤，左眉上方有小疤。" * 3,
                instruction="如发现请立即拨打110。",
                web=f"https://homeward.example.cn/a/{i}",
                contact="110",
                expires=LAST_SEEN + timedelta(hours=72),
                area=area,
                photo=photo,
            )
            for lang in ("zh-CN", "en-US")
        ]
        sender = "alerts@homeward.example.cn"
        if previous is None or i % 10 == 0:
            message = alert_message(f"HW-{i}-1", sender, now, infos)
        else:
            message = update_message(f"HW-{i}-2", sender, now, infos, [previous])
        previous = message
        messages.append(message)
    return messages


def _rate(n: int, fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return n / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller run")
    args = parser.parse_args()
    n = 60 if args.quick else 400
    repeats = 2 if args.quick else 3

    key_pem, cert_pem = make_self_signed_cert("bench")
    identity = load_signing_identity(key_pem, cert_pem)
    messages = _messages(n)
    signed_docs = [sign_cap(to_xml(m), identity) for m in messages]
    for doc in signed_docs[:3]:
        validate_cap(doc)
        verify_cap(doc, cert_pem)

    build = _rate(n, lambda: [to_xml(m) for m in messages], repeats)
    build_sign = _rate(n, lambda: [sign_cap(to_xml(m), identity) for m in messages], repeats)

    def pipeline() -> None:
        for m in messages:
            signed = sign_cap(to_xml(m), identity)
            validate_cap(signed)

    def pipeline_lxml() -> None:
        for m in messages:
            signed = sign_cap(to_xml(m), identity)
            validate_cap(signed, backend="lxml")

    full = _rate(n, pipeline, repeats)
    full_lxml = _rate(n, pipeline_lxml, repeats)
    validate_only = _rate(n, lambda: [is_valid_cap(d) for d in signed_docs], repeats)
    validate_lxml = _rate(n, lambda: [is_valid_cap(d, backend="lxml") for d in signed_docs], repeats)
    verify = _rate(n, lambda: [verify_cap(d, cert_pem) for d in signed_docs], repeats)
    size = sum(len(d) for d in signed_docs) / n

    print(f"BENCH cap_build n={n} msgs_per_s={build:.0f} avg_signed_bytes={size:.0f}")
    print(f"BENCH cap_build_sign n={n} msgs_per_s={build_sign:.0f} ratio_vs_build={build_sign / build:.3f}")
    print(
        f"BENCH cap_build_sign_validate n={n} msgs_per_s={full:.0f} ratio_vs_build={full / build:.3f} "
        f"ms_per_msg={1000 / full:.2f}"
    )
    print(
        f"BENCH cap_build_sign_validate_lxml n={n} msgs_per_s={full_lxml:.0f} "
        f"ratio_vs_build={full_lxml / build:.3f} speedup_vs_xmlschema={full_lxml / full:.2f}"
    )
    print(
        f"BENCH cap_validate_xsd n={n} xmlschema_msgs_per_s={validate_only:.0f} "
        f"lxml_msgs_per_s={validate_lxml:.0f} lxml_speedup={validate_lxml / validate_only:.1f}"
    )
    print(f"BENCH cap_verify n={n} msgs_per_s={verify:.0f} ratio_vs_build={verify / build:.3f}")

    # Region filter: which of 50 partners (each 20 division discs + 1 box) an alert reaches.
    rng = np.random.default_rng(11)
    partners = [
        ServiceRegion(
            centroids=np.column_stack([rng.uniform(20, 45, 20), rng.uniform(100, 125, 20)]),
            radii_km=rng.uniform(20, 80, 20),
            boxes=np.array([[30.0, 110.0, 32.0, 112.0]]),
        )
        for _ in range(50)
    ]
    alerts = [(float(rng.uniform(20, 45)), float(rng.uniform(100, 125)), 100.0) for _ in range(200)]

    def region_filter() -> None:
        for lat, lon, r in alerts:
            [circle_meets_region(lat, lon, r, region) for region in partners]

    index = RegionIndex(partners)
    for lat, lon, r in alerts[:20]:  # the index and the per-partner loop must agree
        assert index.reached(lat, lon, r).tolist() == [circle_meets_region(lat, lon, r, p) for p in partners]

    per_alert = _rate(len(alerts), region_filter, repeats)
    indexed = _rate(len(alerts), lambda: [index.reached(lat, lon, r) for lat, lon, r in alerts], repeats)
    print(
        f"BENCH cap_region_filter partners=50 alerts={len(alerts)} loop_alerts_per_s={per_alert:.0f} "
        f"index_alerts_per_s={indexed:.0f} index_speedup={indexed / per_alert:.1f}"
    )


if __name__ == "__main__":
    main()
