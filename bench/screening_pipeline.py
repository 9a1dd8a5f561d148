"""Screening through the Django path: ingest (as a partner push), the background screening task (normalise,
extract, score, store leads, re-cluster), the review queue with masked leads, and cluster purity against the
synthetic set's true campaigns.

Baseline (same run): the bare engine `scan(...)` on the same posts; the ratio says what the Django path (storing
posts, leads, clusters and audit rows, and re-clustering the window on every batch) costs per post.

Wall and CPU seconds are printed for both, with the load average at start and end (the machine is shared, so
wall time includes waiting for a core; on SQLite the database work is in-process and counted as CPU).

Runs on a throw-away SQLite database under var/ (or DATABASE_URL if set):
`.venv/bin/python bench/screening_pipeline.py [--quick]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Mapping

from _django import setup_django


def purity(pred: Mapping[int, int | None], truth: dict[int, str]) -> float:
    groups: dict[object, list[str]] = defaultdict(list)
    for post_id, cluster in pred.items():
        groups[cluster if cluster is not None else ("single", post_id)].append(truth[post_id])
    return sum(Counter(v).most_common(1)[0][1] for v in groups.values()) / max(len(pred), 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    tmp = setup_django("screening_bench_")
    try:
        run(quick=args.quick)
    finally:
        if os.environ["DATABASE_URL"].startswith("sqlite:///" + tmp):
            shutil.rmtree(tmp, ignore_errors=True)


def run(*, quick: bool) -> None:
    from homeward.accounts.roles import AgencyType, Role
    from homeward.accounts.services import agency_create, user_create
    from homeward.engines.textscreen.evalset import generate
    from homeward.engines.textscreen.scan import Post as ScanPost
    from homeward.engines.textscreen.scan import scan
    from homeward.regions.models import Division
    from homeward.screening import selectors, services
    from homeward.screening.models import Post
    from homeward.screening.services import PostInput

    Division.objects.get_or_create(code="000000", defaults={"name": "中国", "level": "country"})
    Division.objects.get_or_create(
        code="510000", defaults={"name": "四川省", "level": "province", "parent_id": "000000"}
    )
    Division.objects.get_or_create(
        code="510100", defaults={"name": "成都市", "level": "prefecture", "parent_id": "510000"}
    )
    Division.objects.get_or_create(
        code="510107", defaults={"name": "武侯区", "level": "county", "parent_id": "510100"}
    )
    platform = agency_create(
        actor=None, name="平台", type=AgencyType.PARTNER_PLATFORM, division_code="000000"
    )
    partner = user_create(
        actor=None,
        username="bench_partner",
        password=None,
        agency=platform,
        roles=[Role.PARTNER_PLATFORM],
        api_only=True,
    ).user
    police = agency_create(actor=None, name="公安部", type=AgencyType.PUBLIC_SECURITY, division_code="000000")
    reviewer = user_create(
        actor=None,
        username="bench_reviewer",
        password=None,
        agency=police,
        roles=[Role.INVESTIGATOR],
    ).user

    gold = generate(n_campaigns=150 if quick else 1200, n_innocent=500 if quick else 4000, seed=7)
    texts = [g.text for g in gold]
    n = len(gold)

    load_start = os.getloadavg()
    t0, c0 = time.perf_counter(), time.process_time()
    scan([ScanPost(id=g.id, text=g.text) for g in gold])
    engine_s, engine_cpu = time.perf_counter() - t0, time.process_time() - c0

    t0, c0 = time.perf_counter(), time.process_time()
    batch_size = 1000
    id_of: dict[int, str] = {}
    for lo in range(0, n, batch_size):
        items = [
            (i + 1, PostInput(text=texts[lo + i], external_id=gold[lo + i].id))
            for i in range(min(batch_size, n - lo))
        ]
        batch = services.posts_ingest(actor=partner, source="api", items=items)
        ids = list(batch.posts.values_list("pk", "external_id"))
        id_of.update(ids)
        services.posts_screen(post_ids=[pk for pk, _e in ids])  # what the task does for this push
    django_s, django_cpu = time.perf_counter() - t0, time.process_time() - c0

    t0 = time.perf_counter()
    changed = services.clusters_refresh()
    refresh_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    page = list(selectors.post_queue(actor=reviewer)[:100])
    selectors.masked_leads(page)
    queue_ms = (time.perf_counter() - t0) * 1000

    campaign = {g.id: g.campaign for g in gold}
    pred = dict(Post.objects.values_list("pk", "cluster_id"))
    truth = {pk: campaign[id_of[pk]] for pk in pred}
    print(
        f"BENCH screening_pipeline posts={n} engine_scan_s={engine_s:.2f} django_s={django_s:.2f} "
        f"engine_posts_per_s={n / engine_s:.0f} django_posts_per_s={n / django_s:.0f} "
        f"ratio_django_vs_engine={django_s / engine_s:.2f} engine_cpu_s={engine_cpu:.2f} "
        f"django_cpu_s={django_cpu:.2f} engine_posts_per_cpu_s={n / engine_cpu:.0f} "
        f"django_posts_per_cpu_s={n / django_cpu:.0f} cpu_ratio_django_vs_engine={django_cpu / engine_cpu:.2f} "
        f"load_start={load_start[0]:.1f} load_end={os.getloadavg()[0]:.1f}"
    )
    print(
        f"BENCH screening_clusters posts={n} refresh_s={refresh_s:.2f} refresh_changed={changed} "
        f"purity={purity(pred, truth):.3f} queue_first_100_ms={queue_ms:.0f}"
    )


if __name__ == "__main__":
    main()
