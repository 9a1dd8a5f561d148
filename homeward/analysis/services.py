"""Writes of the analysis app: requesting and executing hotspot runs and early-warning scans, acknowledging warnings.

Requests are validated and audited in the request's transaction; the work runs in a background task (django-tasks)
that takes the record's id and is idempotent: a run that is already done is not redone, a warning is raised once per
indicator, region and week, and its notice has a dedupe key.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from homeward.accounts.roles import Role
from homeward.analysis import areas, sources
from homeward.analysis.models import EarlyWarning, HotspotRun, RunStatus, WarningScan, WarningStatus
from homeward.analysis.periods import Period, local_start, week_monday
from homeward.analysis.selectors import area_for, require, warning_get
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.engines import hotspots as engine
from homeward.notifications.services import notify
from homeward.regions.models import Division

log = logging.getLogger(__name__)

TASK_LABEL = "analysis task"
MAX_NOTE = 2000
MAX_PERMUTATIONS = 49_999
# A run left "running" this long by a worker that died may be claimed again.
STALE_AFTER = timedelta(hours=2)
HISTORY_WEEKS = 5 * 52 + 8


def _indicator(key: str) -> Any:
    spec = sources.spec(key)
    if spec is None:
        raise ValidationError(
            {"indicator": [_("No data source provides the indicator %(key)r yet.") % {"key": key}]}
        )
    return spec


# Hotspots -----------------------------------------------------------------------------------------------------


@transaction.atomic
def hotspot_run_request(
    *,
    actor: Any,
    area_code: str,
    indicator: str,
    start: date | None,
    end: date | None,
    permutations: int | None = None,
    alpha: float = 0.05,
) -> HotspotRun:
    require(actor, "analysis.run")
    area = area_for(actor, area_code, purpose="hotspot run")
    if area.is_county:
        raise ValidationError(
            {"area": [_("Hotspots compare counties: choose a prefecture, province or the nation.")]}
        )
    spec = _indicator(indicator)
    period = Period.parse(start, end)
    if permutations is not None and not 99 <= permutations <= MAX_PERMUTATIONS:
        raise ValidationError({"permutations": [_("Between 99 and 49,999 permutations.")]})
    if not 0.001 <= alpha <= 0.2:
        raise ValidationError({"alpha": [_("A false discovery rate between 0.001 and 0.2.")]})
    run = HotspotRun.objects.create(
        jurisdiction=area.code,
        indicator=spec.key,
        indicator_label=str(spec.label)[:200],
        period_start=period.start,
        period_end=period.end,
        permutations=permutations,
        alpha=alpha,
        requested_by=actor,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=run, detail={"indicator": spec.key})
    from homeward.analysis.tasks import run_hotspots

    transaction.on_commit(partial(run_hotspots.enqueue, run.pk))
    return run


def _claim(model: type[HotspotRun] | type[WarningScan], pk: int) -> bool:
    now = timezone.now()
    claimable = Q(status=RunStatus.QUEUED) | Q(status=RunStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    return bool(model.objects.filter(claimable, pk=pk).update(status=RunStatus.RUNNING, started_at=now))


def _fail(obj: HotspotRun | WarningScan, message: str) -> None:
    with transaction.atomic():
        type(obj).objects.filter(pk=obj.pk).update(
            status=RunStatus.FAILED, error=message[:500], finished_at=timezone.now()
        )
        obj.refresh_from_db()
        audit.record(
            actor=None,
            actor_label=TASK_LABEL,
            action=AuditAction.UPDATE,
            obj=obj,
            outcome=AuditOutcome.FAILURE,
            detail={"error": message[:200]},
        )


def hotspot_compute(run: HotspotRun) -> dict[str, Any]:
    """Gi* for a run's indicator over the county-level units of its area (no database writes)."""
    area = areas.area_of(Division.objects.get(code=run.jurisdiction))
    period = Period(run.period_start, run.period_end)
    units = [u for u in areas.counties(area) if u.population]
    population = {u.code: int(u.population or 0) for u in units}
    rows = sources.events(run.indicator, prefix=area.prefix, start=period.start_dt, end=period.end_dt)
    if rows is None:
        raise ValidationError(_("The indicator's data source is no longer available."))
    by_code = Counter(code for code, _t in rows)
    values = {code: n for code, n in by_code.items() if code in population}
    unplaced = sum(by_code.values()) - sum(values.values())
    report = engine.hotspots(
        values,
        population,
        permutations=run.permutations,
        alpha=run.alpha,
        indicator=f"{run.indicator} ({run.indicator_label})",
        period=str(period),
        source=f"homeward.{run.indicator.split('.')[0]}.indicators",
    )
    results = [
        {
            "code": r.code,
            "count": r.count,
            "population": r.population,
            "rate": r.rate,
            "ci": list(r.rate_ci95),
            "smoothed": r.smoothed_rate,
            "z": r.gi_star_z,
            "p": r.p_value,
            "q": r.q_value,
            "kind": r.kind if r.significant else "none",
        }
        for r in report
    ]
    notes = []
    if unplaced:
        notes.append(
            _(
                "%(n)d facts recorded above county level (e.g. by a provincial agency) are not in the county rates."
            )
            % {"n": unplaced}
        )
    return {
        "results": results,
        "n_units": len(results),
        "n_hot": len(report.hot()),
        "n_cold": len(report.cold()),
        "total_count": int(sum(values.values())),
        "unplaced_count": unplaced,
        "used_permutations": report.permutations,
        "min_detectable_cluster": report.min_detectable_cluster,
        "method": report.basis.method,
        "basis": " ".join([report.basis.statement(), *notes]),
    }


def hotspot_run_execute(*, run_id: int) -> HotspotRun | None:
    """Task body. Idempotent: only a queued (or stale running) run is computed."""
    if not _claim(HotspotRun, run_id):
        return HotspotRun.objects.filter(pk=run_id).first()
    run = HotspotRun.objects.get(pk=run_id)
    try:
        outcome = hotspot_compute(run)
    except (ValueError, ValidationError) as exc:
        _fail(run, "; ".join(getattr(exc, "messages", [str(exc)])))
        return run
    except Exception as exc:
        log.exception("hotspot run %s failed", run_id)
        _fail(run, f"{type(exc).__name__}: {exc}")
        raise
    with transaction.atomic():
        HotspotRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, finished_at=timezone.now(), **outcome
        )
        run.refresh_from_db()
        audit.record(
            actor=None,
            actor_label=TASK_LABEL,
            action=AuditAction.UPDATE,
            obj=run,
            detail={"status": "done", "hot": run.n_hot, "cold": run.n_cold},
        )
    return run


# Early warning ------------------------------------------------------------------------------------------------


def last_complete_week(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return week_monday(today) - timedelta(days=7)


@transaction.atomic
def warning_scan_request(
    *, actor: Any, area_code: str, indicators: list[str], week_start: date | None = None
) -> WarningScan:
    require(actor, "analysis.run")
    area = area_for(actor, area_code, purpose="warning scan")
    keys = list(dict.fromkeys(indicators))
    if not keys:
        keys = [s.key for s in sources.available()]
        if not keys:
            raise ValidationError({"indicators": [_("No data source provides an indicator yet.")]})
    if len(keys) > 50:
        raise ValidationError({"indicators": [_("At most 50 indicators in one scan.")]})
    for key in keys:
        _indicator(key)
    week = week_monday(week_start) if week_start else last_complete_week()
    if week > last_complete_week():
        raise ValidationError({"week_start": [_("Only complete weeks can be assessed.")]})
    if week.year < 2000:
        raise ValidationError({"week_start": [_("Weeks from 2000 on.")]})
    scan = WarningScan.objects.create(
        jurisdiction=area.code, indicators=keys, week_start=week, requested_by=actor
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=scan, detail={"indicators": keys})
    from homeward.analysis.tasks import run_warning_scan

    transaction.on_commit(partial(run_warning_scan.enqueue, scan.pk))
    return scan


@dataclass
class RegionSeries:
    code: str
    name: str
    series: np.ndarray


def weekly_series(
    rows: list[tuple[str, datetime]], regions: list[areas.Area], first_week: date, weeks: int
) -> list[RegionSeries]:
    """Weekly counts per region (a region's own code and everything below it), oldest week first."""
    per_code: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(weeks, dtype=np.int64))
    for code, at in rows:
        i = (week_monday(timezone.localtime(at).date()) - first_week).days // 7
        if 0 <= i < weeks:
            per_code[code][i] += 1
    out = []
    for region in regions:
        if len(region.prefix) == 6:
            total = per_code[region.code] if region.code in per_code else np.zeros(weeks, dtype=np.int64)
        else:
            total = np.zeros(weeks, dtype=np.int64)
            for code, arr in per_code.items():
                if code.startswith(region.prefix):
                    total += arr
        out.append(RegionSeries(region.code, region.name, total))
    return out


def _notify_warning(warning: EarlyWarning, region_name: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Early warning: %(indicator)s in %(region)s, week of %(week)s") % {
            "indicator": warning.indicator_label or warning.indicator,
            "region": region_name,
            "week": warning.week_start.isoformat(),
        }
        body = _(
            "Observed %(observed)d, expected %(expected).1f (threshold %(threshold)d); probability of a count "
            "this high %(p).2g. %(note)s"
        ) % {
            "observed": warning.observed,
            "expected": warning.expected,
            "threshold": warning.threshold,
            "p": warning.p_value,
            "note": engine.HUMAN_JUDGEMENT_NOTE_ZH,
        }
    notify(
        kind="analysis.warning",
        title=title,
        body=body,
        url=reverse("analysis:warning", args=[warning.pk]),
        role=Role.COMMAND_CENTRE,
        division_code=warning.jurisdiction,
        dedupe_key=f"analysis.warning.{warning.pk}",
    )


def _raise_warning(scan: WarningScan, spec: Any, region: RegionSeries, a: engine.WarningAssessment) -> bool:
    with transaction.atomic():
        warning, created = EarlyWarning.objects.get_or_create(
            indicator=spec.key,
            jurisdiction=region.code,
            week_start=scan.week_start,
            defaults={
                "scan": scan,
                "indicator_label": str(spec.label)[:200],
                "observed": a.observed,
                "expected": a.expected,
                "threshold": a.threshold,
                "p_value": a.p_value,
                "dispersion": a.dispersion,
                "reference_weeks": a.reference_weeks,
                "years_back": a.years_back,
                "method": a.basis.method,
                "basis": a.basis.statement(),
            },
        )
        if created:
            audit.record(
                actor=None,
                actor_label=TASK_LABEL,
                action=AuditAction.CREATE,
                obj=warning,
                detail={"scan": scan.pk, "observed": a.observed, "expected": round(a.expected, 3)},
            )
            _notify_warning(warning, region.name)
    return created


def warning_scan_compute(scan: WarningScan) -> dict[str, int]:
    """Assess the scan's week for every region of its area and indicator; raises warnings (idempotently)."""
    area = areas.area_of(Division.objects.get(code=scan.jurisdiction))
    regions = [area]
    if not area.is_county:
        regions += areas.children(area)
        regions += [c for c in areas.counties(area) if c.code not in {r.code for r in regions}]
    week_end = scan.week_start + timedelta(days=7)
    window_start = scan.week_start - timedelta(weeks=HISTORY_WEEKS)
    stats = {"assessed": 0, "quiet": 0, "short_history": 0, "raised": 0}
    for key in scan.indicators:
        spec = sources.spec(key)
        if spec is None:
            continue
        rows = sources.events(
            key, prefix=area.prefix, start=local_start(window_start), end=local_start(week_end)
        )
        if not rows:
            stats["quiet"] += len(regions)
            continue
        # The series starts with the source's first recorded fact: weeks before it are unknown, not zero.
        first = max(window_start, week_monday(min(timezone.localtime(t).date() for _c, t in rows)))
        weeks = (scan.week_start - first).days // 7 + 1
        for region in weekly_series(rows, regions, first, weeks):
            recent = int(region.series[-4:].sum())
            if recent < engine.FarringtonConfig().min_recent[0]:
                stats["quiet"] += 1
                continue
            try:
                a = engine.assess_week(
                    region.series,
                    config=None,
                    region=region.code,
                    indicator=key,
                    source=f"homeward.{spec.app}",
                )
            except engine.InsufficientHistoryError:
                stats["short_history"] += 1
                continue
            stats["assessed"] += 1
            if a.alarm and _raise_warning(scan, spec, region, a):
                stats["raised"] += 1
    return stats


def warning_scan_execute(*, scan_id: int) -> WarningScan | None:
    """Task body. Idempotent: a finished scan is not redone; a retried one does not raise a warning twice."""
    if not _claim(WarningScan, scan_id):
        return WarningScan.objects.filter(pk=scan_id).first()
    scan = WarningScan.objects.get(pk=scan_id)
    try:
        stats = warning_scan_compute(scan)
    except (ValueError, ValidationError) as exc:
        _fail(scan, "; ".join(getattr(exc, "messages", [str(exc)])))
        return scan
    except Exception as exc:
        log.exception("warning scan %s failed", scan_id)
        _fail(scan, f"{type(exc).__name__}: {exc}")
        raise
    with transaction.atomic():
        WarningScan.objects.filter(pk=scan.pk).update(
            status=RunStatus.DONE, finished_at=timezone.now(), **stats
        )
        scan.refresh_from_db()
        audit.record(actor=None, actor_label=TASK_LABEL, action=AuditAction.UPDATE, obj=scan, detail=stats)
    return scan


@transaction.atomic
def warning_acknowledge(*, actor: Any, warning_id: Any, note: str) -> EarlyWarning:
    """A command-centre officer has looked at the warning; the note says what they found or did."""
    require(actor, "analysis.acknowledge")
    warning = warning_get(actor=actor, warning_id=warning_id, purpose="acknowledge", audit_read=False)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say what you checked or decided.")]})
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": [_("A note is at most 2,000 characters.")]})
    updated = EarlyWarning.objects.filter(pk=warning.pk, status=WarningStatus.OPEN).update(
        status=WarningStatus.ACKNOWLEDGED, acknowledged_by=actor, acknowledged_at=timezone.now(), note=note
    )
    if not updated:
        raise ValidationError({"note": [_("This warning was already acknowledged.")]})
    warning.refresh_from_db()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=warning, detail={"acknowledged": True})
    return warning


@transaction.atomic
def warning_scan_schedule(*, areas: list[str], week: date | None = None) -> list[WarningScan]:
    """System-initiated scans (the weekly routine): every province and the nation unless areas are given.

    Idempotent per area and week: an existing scan of the same week is not queued again.
    """
    keys = [s.key for s in sources.available()]
    week_start = week_monday(week) if week else last_complete_week()
    if week_start > last_complete_week():
        raise ValidationError(_("Only complete weeks can be assessed."))
    codes = areas or [
        settings.NATIONAL_DIVISION_CODE,
        *Division.objects.filter(level="province").values_list("code", flat=True),
    ]
    scans = []
    from homeward.analysis.tasks import run_warning_scan

    for code in codes:
        if not Division.objects.filter(code=code).exists():
            raise ValidationError(_("Unknown division code %(code)s.") % {"code": code})
        if not keys or WarningScan.objects.filter(jurisdiction=code, week_start=week_start).exists():
            continue
        scan = WarningScan.objects.create(jurisdiction=code, indicators=keys, week_start=week_start)
        audit.record(
            actor=None,
            actor_label=TASK_LABEL,
            action=AuditAction.CREATE,
            obj=scan,
            detail={"scheduled": True},
        )
        transaction.on_commit(partial(run_warning_scan.enqueue, scan.pk))
        scans.append(scan)
    return scans
