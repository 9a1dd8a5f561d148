"""Benchmark the plan app: importing the plan, assembling an evaluation round, writing its Word and Excel reports.

Run from the repository root: ``.venv/bin/python bench/plan_evaluation.py [--quick]``. It builds a throwaway SQLite
database under a temporary directory (or uses ``BENCH_DATABASE_URL``), so it never touches your data.
Prints ``BENCH plan_<name> key=value ...`` lines. Baselines measured in the same run:
- import: the first import (creates everything) against a re-import of the same text (compares, writes nothing);
- assembly: `evaluation_assemble` (a few grouped queries, then work in memory) against a naive per-item count
  (three COUNT queries for each measure, agency and region), which is what assembling item by item would cost.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_counties = 40 if args.quick else 150
    reports_per_county = 30 if args.quick else 60
    rng = random.Random(7)

    tmp = tempfile.TemporaryDirectory()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.test")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ["HOMEWARD_VAR_DIR"] = tmp.name
    os.environ["MEDIA_ROOT"] = f"{tmp.name}/media"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from homeward.regions.services import regions_load

    regions_load()
    from django.db import connection
    from django.utils import timezone

    from homeward.accounts.services import agency_create, user_create
    from homeward.plan import exports, selectors, services
    from homeward.plan.models import (
        Activity,
        ActivityKind,
        EvaluationRound,
        Measure,
        ProgressReport,
        ReportStatus,
    )
    from homeward.regions.models import Division

    first_s, result = timed(services.plan_import)
    again_s, _ = timed(services.plan_import)
    print(
        f"BENCH plan_import measures={result.created} first_s={first_s:.3f} reimport_s={again_s:.3f} "
        f"ratio_reimport_vs_first={again_s / first_s:.2f}"
    )

    office = agency_create(actor=None, name="bench-四川省反拐办", type="plan_office", division_code="510000")
    coordinator = user_create(
        actor=None, username="bench_coord", password=None, agency=office, roles=["plan_coordinator"]
    ).user
    counties = list(
        Division.objects.filter(code__startswith="51")
        .exclude(code__endswith="00")
        .order_by("code")
        .values_list("code", flat=True)[:n_counties]
    )
    measures = list(Measure.objects.order_by("position"))
    creator = coordinator
    reports, activities = [], []
    statuses = [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.RETURNED]
    for code in counties:
        police = agency_create(
            actor=None, name=f"bench-{code}-公安", type="public_security", division_code=code
        )
        for i, measure in enumerate(rng.sample(measures, reports_per_county)):
            year = 2021 + i % 5
            half = i % 2
            reports.append(
                ProgressReport(
                    jurisdiction=code,
                    agency=police,
                    measure=measure,
                    period=f"{year}H{half + 1}",
                    period_start=date(year, 1 + 6 * half, 1),
                    period_end=date(year + half, 7 if half == 0 else 1, 1),
                    status=rng.choice(statuses),
                    work_done="bench",
                    created_by=creator,
                    submitted_at=timezone.now(),
                )
            )
        for j in range(5):
            activities.append(
                Activity(
                    jurisdiction=code,
                    agency=police,
                    measure=rng.choice(measures),
                    kind=ActivityKind.PUBLICITY,
                    title="bench",
                    held_on=date(2022 + j % 3, 5, 1),
                    count=rng.randint(10, 500),
                    created_by=creator,
                )
            )
    ProgressReport.objects.bulk_create(reports, batch_size=2000)
    Activity.objects.bulk_create(activities, batch_size=2000)

    round_ = services.evaluation_open(actor=coordinator, kind="mid_term")

    def naive() -> int:
        total = 0
        lo, hi = round_.period_start, round_.period_end
        base = ProgressReport.objects.filter(
            period_start__lt=hi, period_end__gt=lo, jurisdiction__startswith="51"
        )
        for m in measures:
            total += base.filter(measure=m).count()
            total += base.filter(measure=m, status=ReportStatus.SUBMITTED).count()
            total += Activity.objects.filter(measure=m, jurisdiction__startswith="51").count()
        for code in counties:
            total += base.filter(jurisdiction__startswith=code).count()
            total += base.filter(jurisdiction__startswith=code, status=ReportStatus.SUBMITTED).count()
            total += Activity.objects.filter(jurisdiction__startswith=code).count()
        return total

    naive_s, _ = timed(naive)
    assemble_s, _ = timed(lambda: services.evaluation_assemble(actor=coordinator, round_id=round_.pk))
    reassemble_s, _ = timed(lambda: services.evaluation_assemble(actor=coordinator, round_id=round_.pk))
    items = round_.items.count()
    print(
        f"BENCH plan_assemble db={connection.vendor} counties={len(counties)} reports={len(reports)} "
        f"items={items} assemble_s={assemble_s:.3f} reassemble_s={reassemble_s:.3f} naive_counts_s={naive_s:.3f} "
        f"ratio_assemble_vs_naive={assemble_s / naive_s:.2f}"
    )

    loaded = selectors.round_export(actor=coordinator, round_id=round_.pk)
    loaded = EvaluationRound.objects.prefetch_related("items").get(pk=loaded.pk)
    docx_s, docx = timed(lambda: exports.round_docx(loaded))
    xlsx_s, xlsx = timed(lambda: exports.round_xlsx(loaded))
    print(
        f"BENCH plan_export items={items} docx_s={docx_s:.3f} docx_kb={len(docx) // 1024} "
        f"xlsx_s={xlsx_s:.3f} xlsx_kb={len(xlsx) // 1024} ratio_docx_vs_xlsx={docx_s / xlsx_s:.2f}"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
