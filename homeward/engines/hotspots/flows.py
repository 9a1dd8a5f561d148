"""Source-transit-destination summary of trafficking flows, aggregated by province.

Input is one record per victim (or case): where the victim was taken from, where they were sold or
found, optionally the places passed through and a period label (e.g. the year). Codes are GB/T 2260
division codes of any level and any vintage; they are mapped to today's province through
``homeward.refdata`` when it is available (resolving retired codes, e.g. pre-1997 Sichuan codes of
today's Chongqing), else by the first two digits.

A province is flagged as a *buyer market* when it is a net destination of cross-province flows
persistently: in at least ``persistence`` of the periods in which it had cross-province flows, over
at least ``min_periods`` such periods, with at least ``min_inflow`` victims received in total, and a
one-sided binomial test that more than half of its cross-province traffic is inbound at p <= 0.05.
With a single period persistence cannot be judged and nothing is flagged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from scipy import stats

from .basis import DataBasis

Role = Literal["source", "destination", "transit", "mixed", "internal"]


@dataclass(frozen=True)
class FlowRecord:
    origin_code: str
    destination_code: str
    period: str | None = None
    via_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProvinceFlow:
    """Totals for one province. ``inbound``/``outbound`` count cross-province victims only."""

    province_code: str
    outbound: int
    inbound: int
    internal: int
    transit: int
    inbound_share: float
    role: Role
    destination_periods: int
    active_periods: int
    inbound_share_p_value: float
    buyer_market: bool


@dataclass(frozen=True)
class FlowSummary:
    edges: dict[tuple[str, str], int]
    provinces: tuple[ProvinceFlow, ...]
    periods: tuple[str, ...]
    unresolved: tuple[str, ...]
    basis: DataBasis

    def buyer_markets(self) -> list[ProvinceFlow]:
        return [p for p in self.provinces if p.buyer_market]

    def table(self) -> list[tuple[str, str, int]]:
        """(origin province, destination province, count), largest first."""
        return sorted(((o, d, n) for (o, d), n in self.edges.items()), key=lambda r: (-r[2], r[0], r[1]))


def prefix_province(code: str) -> str | None:
    """Province code by the GB/T 2260 rule: the first two digits followed by zeros."""
    code = code.strip()
    if len(code) < 2 or not code[:2].isdigit() or code[:2] in ("00", "99"):
        return None
    return code[:2] + "0000"


def refdata_province_resolver() -> Callable[[str, int | None], str | None]:
    """A resolver backed by ``homeward.refdata`` (falls back to the prefix rule for unknown codes)."""
    from homeward.refdata.divisions import load_divisions

    idx = load_divisions()

    def resolve(code: str, year: int | None) -> str | None:
        div = idx.resolve(code, year)
        if div is not None and div.province_code:
            return str(div.province_code)
        return prefix_province(code)

    return resolve


def _default_resolver() -> Callable[[str, int | None], str | None]:
    try:
        return refdata_province_resolver()
    except (ImportError, FileNotFoundError, OSError):
        return lambda code, year: prefix_province(code)


def _as_record(item: FlowRecord | Sequence[object]) -> FlowRecord:
    if isinstance(item, FlowRecord):
        return item
    if len(item) < 2:
        raise ValueError(f"a flow needs (origin_code, destination_code), got {item!r}")
    period = None if len(item) < 3 or item[2] is None else str(item[2])
    via = tuple(str(v) for v in item[3]) if len(item) > 3 and item[3] else ()  # type: ignore[attr-defined]
    return FlowRecord(str(item[0]), str(item[1]), period, via)


def _year(period: str | None) -> int | None:
    return int(period[:4]) if period and period[:4].isdigit() else None


def flows(
    pairs: Iterable[FlowRecord | Sequence[object]],
    *,
    province_of: Callable[[str, int | None], str | None] | None = None,
    persistence: float = 0.75,
    min_periods: int = 3,
    min_inflow: int = 5,
    source: str = "",
) -> FlowSummary:
    """Aggregate (origin_code, destination_code[, period[, via_codes]]) records by province."""
    resolve = province_of or _default_resolver()
    edges: Counter[tuple[str, str]] = Counter()
    per_period: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    transit: Counter[str] = Counter()
    unresolved: set[str] = set()
    n = 0
    for i, item in enumerate(pairs):
        try:
            rec = _as_record(item)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"flow record {i + 1}: {exc}") from None
        year = _year(rec.period)
        o, d = resolve(rec.origin_code, year), resolve(rec.destination_code, year)
        if o is None:
            unresolved.add(rec.origin_code)
        if d is None:
            unresolved.add(rec.destination_code)
        if o is None or d is None:
            continue
        n += 1
        edges[(o, d)] += 1
        per_period[rec.period or ""][(o, d)] += 1
        for v in rec.via_codes:
            pv = resolve(v, year)
            if pv is not None and pv not in (o, d):
                transit[pv] += 1
    periods = tuple(sorted(p for p in per_period if p))
    names = sorted({p for e in edges for p in e} | set(transit))
    out_tot: Counter[str] = Counter()
    in_tot: Counter[str] = Counter()
    internal: Counter[str] = Counter()
    for (o, d), c in edges.items():
        if o == d:
            internal[o] += c
        else:
            out_tot[o] += c
            in_tot[d] += c
    dest_periods: Counter[str] = Counter()
    active: Counter[str] = Counter()
    for counter in per_period.values():
        pin: Counter[str] = Counter()
        pout: Counter[str] = Counter()
        for (o, d), c in counter.items():
            if o != d:
                pout[o] += c
                pin[d] += c
        for p in set(pin) | set(pout):
            active[p] += 1
            if pin[p] > pout[p]:
                dest_periods[p] += 1
    provinces = []
    for p in names:
        cross = in_tot[p] + out_tot[p]
        share = in_tot[p] / cross if cross else 0.0
        pval = float(stats.binomtest(in_tot[p], cross, 0.5, alternative="greater").pvalue) if cross else 1.0
        role: Role
        if cross == 0:
            role = "transit" if transit[p] else "internal"
        elif transit[p] > cross:
            role = "transit"
        elif share >= 2 / 3:
            role = "destination"
        elif share <= 1 / 3:
            role = "source"
        else:
            role = "mixed"
        multi = len(periods) >= min_periods
        buyer = (
            multi
            and active[p] >= min_periods
            and dest_periods[p] >= persistence * active[p]
            and in_tot[p] >= min_inflow
            and pval <= 0.05
        )
        provinces.append(
            ProvinceFlow(
                p,
                out_tot[p],
                in_tot[p],
                internal[p],
                transit[p],
                share,
                role,
                dest_periods[p],
                active[p],
                pval,
                buyer,
            )
        )
    notes = [
        f"buyer market: net destination in >= {persistence:.0%} of >= {min_periods} active periods, "
        f">= {min_inflow} received, binomial inbound share > 1/2 at p <= 0.05"
    ]
    if len(periods) < min_periods:
        notes.append(
            f"only {len(periods)} period(s) labelled: persistence cannot be judged, no buyer-market flag"
        )
    if unresolved:
        notes.append(
            f"{len(unresolved)} codes could not be placed in a province and their records were left out"
        )
    basis = DataBasis(
        "flows by province",
        "victims by origin and destination",
        ", ".join(periods),
        source,
        len(names),
        n,
        "province aggregation of origin-destination records",
        tuple(sorted(unresolved)),
        tuple(notes),
    )
    return FlowSummary(dict(edges), tuple(provinces), periods, tuple(sorted(unresolved)), basis)
