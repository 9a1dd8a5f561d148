"""Benchmark the cases app: listing and opening cases with case-group access, and the daily tick.

Run from the repository root: ``.venv/bin/python bench/cases_access.py [--quick]``. It builds a throwaway SQLite
database under a temporary directory (or uses ``BENCH_DATABASE_URL``), so it never touches your data.
Prints ``BENCH cases_<name> key=value ...`` lines; ratios compare against a baseline measured in the same run:
the plain jurisdiction filter of ``homeward.access`` (what every app pays) for the list and the single read.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def best_of(n: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_cases = 2_000 if args.quick else 10_000
    reps = 3 if args.quick else 5

    tmp = tempfile.TemporaryDirectory()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.test")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ["HOMEWARD_VAR_DIR"] = tmp.name
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from homeward.regions.services import regions_load

    regions_load()
    from django.utils import timezone

    from homeward.access import selectors as access
    from homeward.accounts.services import agency_create, user_create
    from homeward.cases import selectors, services
    from homeward.cases.models import (
        Case,
        CaseGroup,
        CaseGroupMember,
        CaseReview,
        CaseStatus,
        MemberRole,
    )

    def agency(name: str, code: str):  # type: ignore[no-untyped-def]
        return agency_create(actor=None, name=name, type="public_security", division_code=code)

    def user(username: str, ag, role: str):  # type: ignore[no-untyped-def]
        return user_create(actor=None, username=username, password=None, agency=ag, roles=[role]).user

    counties = ["510107", "510106", "510104", "510105", "510108", "530102", "530103", "530111"]
    agencies = {code: agency(f"bench-{code}", code) for code in counties}
    investigator = user("bench_inv", agencies["510107"], "investigator")
    outsider = user("bench_out", agencies["510106"], "investigator")
    leader = user("bench_leader", agencies["510107"], "case_leader")
    for province in ("510000", "530000"):  # someone above the counties to escalate missed reviews to
        user(f"bench_cc_{province}", agency(f"bench-{province}", province), "command_centre")

    # Bulk data: cases spread over the counties, each with a group; the outsider sits in 1 % of the groups.
    today = timezone.localdate()
    t0 = time.perf_counter()
    cases = [
        Case(
            number=f"{counties[i % len(counties)]}-2025-{i:05d}",
            case_type="trafficking_children",
            summary="bench",
            jurisdiction=counties[i % len(counties)],
            agency=agencies[counties[i % len(counties)]],
            reported_on=today - timedelta(days=60),
            registered_on=today - timedelta(days=60),
            status=CaseStatus.OPEN,
        )
        for i in range(n_cases)
    ]
    Case.objects.bulk_create(cases, batch_size=2000)
    ids = list(Case.objects.order_by("id").values_list("id", flat=True))
    CaseGroup.objects.bulk_create([CaseGroup(case_id=i) for i in ids], batch_size=2000)
    groups = dict(CaseGroup.objects.values_list("case_id", "id"))
    members = [CaseGroupMember(group_id=groups[i], user=leader, role=MemberRole.LEADER) for i in ids]
    members += [CaseGroupMember(group_id=groups[i], user=outsider) for i in ids[::100]]
    CaseGroupMember.objects.bulk_create(members, batch_size=2000)
    CaseReview.objects.bulk_create(
        [CaseReview(case_id=i, due_on=today - timedelta(days=2), assignee=leader) for i in ids],
        batch_size=2000,
    )
    build_s = time.perf_counter() - t0
    print(f"BENCH cases_build cases={n_cases} seconds={build_s:.2f}")

    # List: the cases a user may open (jurisdiction + case-group membership) vs the jurisdiction filter alone.
    def baseline_list(u):  # type: ignore[no-untyped-def]
        return list(access.visible_to(u, Case.objects.all()).order_by("-registered_on", "-id")[:200])

    for who, u in (("in_county", investigator), ("member_elsewhere", outsider)):
        base = best_of(reps, lambda u=u: baseline_list(u))
        ours = best_of(reps, lambda u=u: selectors.case_list(actor=u))
        visible = selectors.cases_visible(u).count()
        print(
            f"BENCH cases_list who={who} cases={n_cases} visible={visible} "
            f"baseline_ms={base * 1000:.1f} ms={ours * 1000:.1f} ratio={ours / base:.2f}"
        )

    # One read: a member opening a case in another county vs an in-county read through access.get_for_user.
    own = Case.objects.filter(jurisdiction="510107").values_list("id", flat=True).first()
    member_case = (
        CaseGroupMember.objects.filter(user=outsider).values_list("group__case_id", flat=True).first()
    )
    base = best_of(
        reps * 20, lambda: access.get_for_user(user=investigator, queryset=Case.objects.all(), pk=own)
    )
    ours = best_of(reps * 20, lambda: selectors.case_get(actor=outsider, case_id=member_case))
    print(
        f"BENCH cases_get baseline_ms={base * 1000:.2f} member_ms={ours * 1000:.2f} ratio={ours / base:.2f}"
    )

    # The daily tick: every case has a missed review (notices and escalation on the first run, nothing on the second).
    first, first_cpu = time.perf_counter(), time.process_time()
    report = services.cases_tick()
    first_s, first_cpu_s = time.perf_counter() - first, time.process_time() - first_cpu
    second = time.perf_counter()
    again = services.cases_tick()
    second_s = time.perf_counter() - second
    print(
        f"BENCH cases_tick cases={n_cases} first_seconds={first_s:.2f} first_cpu_seconds={first_cpu_s:.2f} "
        f"per_case_ms={first_s / n_cases * 1000:.2f} per_case_cpu_ms={first_cpu_s / n_cases * 1000:.2f} "
        f"notified={report.reviews_due_notified} escalated={report.reviews_escalated} "
        f"second_seconds={second_s:.2f} second_notified={again.reviews_due_notified}"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
