"""Spatial hotspots of an indicator by county: Getis-Ord Gi* on rates per population.

Pipeline: counts and 2020 census populations -> crude rates -> (optional) global empirical-Bayes
smoothing (Marshall 1991, ``esda.smoothing.Empirical_Bayes``), which pulls the unstable rates of
small counties towards the overall rate -> Gi* (``esda.getisord.G_Local`` with a self-weight, i.e.
the "star" form) on binary county weights -> conditional-permutation p-values -> Benjamini-Hochberg
false-discovery-rate control over the study area.

Permutation resolution matters: the smallest two-sided p-value ``P`` permutations can give is
2/(P+1), and BH at level alpha over n units only passes the m-th smallest p-value if it is at most
alpha*m/n. With 999 permutations over the ~2,850 counties of China no cluster of fewer than ~114
counties could ever pass, so the default permutation count is chosen from n (see
``auto_permutations``) and every result states the smallest cluster the run could detect.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

import esda
import numpy as np
from esda.getisord import G_Local
from scipy import stats

from .basis import DataBasis
from .weights import CountyWeights, county_weights, refdata_centroids

Kind = Literal["hot", "cold", "none"]
PER = 100_000.0


@dataclass(frozen=True)
class HotspotResult:
    """Gi* outcome for one county. Rates are per 100,000 residents (2020 census)."""

    code: str
    count: int
    population: int
    rate: float
    rate_ci95: tuple[float, float]
    smoothed_rate: float
    gi_star_z: float
    p_value: float
    q_value: float
    significant: bool
    kind: Kind
    neighbours: tuple[str, ...]
    basis: DataBasis


@dataclass(frozen=True)
class HotspotReport:
    """All county results of one run (iterable like a list) and the shared data basis."""

    results: tuple[HotspotResult, ...]
    basis: DataBasis
    permutations: int
    alpha: float
    fdr: bool
    min_detectable_cluster: int

    def __iter__(self) -> Iterator[HotspotResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def by_code(self) -> dict[str, HotspotResult]:
        return {r.code: r for r in self.results}

    def hot(self) -> list[HotspotResult]:
        return [r for r in self.results if r.significant and r.kind == "hot"]

    def cold(self) -> list[HotspotResult]:
        return [r for r in self.results if r.significant and r.kind == "cold"]


def auto_permutations(n: int, alpha: float, min_cluster: int = 5, cap: int = 49_999) -> int:
    """Permutations so that ``min_cluster`` units at the permutation floor can pass BH at ``alpha``.

    Needs 2/(P+1) <= alpha*min_cluster/n; rounded up to the next ``x999`` and kept within [999, cap].
    """
    need = math.ceil(2 * n / (alpha * min_cluster))
    p = math.ceil(need / 1000) * 1000 - 1
    return int(min(cap, max(999, p)))


def min_detectable_cluster(n: int, permutations: int, alpha: float, fdr: bool) -> int:
    """Fewest units that, all at the smallest attainable p-value, can be declared significant."""
    floor = 2.0 / (permutations + 1)
    if not fdr:
        return 1 if floor <= alpha else n + 1
    return max(1, math.ceil(floor * n / alpha - 1e-12))


def poisson_rate_ci(count: int, population: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) Poisson interval of ``count / population``, per 100,000."""
    a = 1.0 - level
    lo = 0.0 if count == 0 else stats.chi2.ppf(a / 2, 2 * count) / 2
    hi = stats.chi2.ppf(1 - a / 2, 2 * count + 2) / 2
    return (float(lo) / population * PER, float(hi) / population * PER)


def empirical_bayes_rates(events: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Marshall's (1991) global empirical-Bayes rates, with the between-area variance floored at 0.

    Same estimator as ``esda.smoothing.Empirical_Bayes``, which does not floor the moment estimate of
    the variance: when the rates vary less than Poisson noise alone would make them, it returns
    negative shrinkage weights and pushes rates *away* from the mean. Floored, every rate becomes the
    overall rate, which is what the model says.
    """
    total_pop = population.sum()
    m = events.sum() / total_pop
    r = events / population
    var = max(0.0, float((population * (r - m) ** 2).sum() / total_pop - m / population.mean()))
    if var == 0.0:
        return np.full_like(r, m, dtype=float)
    shrink = var / (var + m / population)
    return np.asarray(m + shrink * (r - m), dtype=float)


def hotspots(
    values: Mapping[str, int],
    population: Mapping[str, int | None],
    weights: CountyWeights | Mapping[str, tuple[float, float]] | None = None,
    *,
    permutations: int | None = None,
    alpha: float = 0.05,
    fdr: bool = True,
    smoothing: Literal["eb", "none"] = "eb",
    seed: int = 0,
    n_jobs: int = 1,
    indicator: str = "",
    period: str = "",
    source: str = "",
) -> HotspotReport:
    """Gi* hotspots and coldspots of ``values`` (event counts by county code) per population.

    ``population`` defines the study area: every code in it with a positive population is a unit,
    and units missing from ``values`` count as zero events. ``weights`` is a ``CountyWeights``, a
    ``{code: (lat, lon)}`` centroid map (kNN k=8 is built from it), or ``None`` to take centroids
    from ``homeward.refdata``. ``permutations=None`` picks ``auto_permutations(n, alpha)``.
    Significance is BH-adjusted q <= alpha when ``fdr`` (else the raw two-sided permutation p).
    Note: esda seeds NumPy's global random generator with ``seed``.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    excluded: list[str] = []
    notes: list[str] = []
    for code, v in values.items():
        if v is None or int(v) != v or v < 0:
            raise ValueError(f"count for {code} must be a non-negative integer, got {v!r}")
        if code not in population:
            excluded.append(code)
    if excluded:
        notes.append(f"{len(excluded)} codes had counts but no population and were left out")
    units = [c for c in sorted(population) if population[c] is not None and int(population[c] or 0) > 0]
    no_pop = sorted(c for c in population if c not in set(units))
    excluded.extend(no_pop)

    if isinstance(weights, CountyWeights):
        cw = weights if set(weights.codes) == set(units) else None
        if cw is None:
            missing = [c for c in units if c not in weights.centroids]
            excluded.extend(missing)
            units = [c for c in units if c in weights.centroids]
            cw = weights.subset(units)
    else:
        if weights is None:
            cents, missing = refdata_centroids(units)
        else:
            cents = {c: weights[c] for c in units if c in weights}
            missing = [c for c in units if c not in weights]
        excluded.extend(missing)
        if missing:
            notes.append(f"{len(missing)} units had no centroid and were left out")
        units = [c for c in units if c in cents]
        if len(units) < 3:
            raise ValueError(f"need at least 3 units with population and centroid, got {len(units)}")
        cw = county_weights({c: cents[c] for c in units}, k=min(8, len(units) - 1))
    units = list(cw.codes)
    n = len(units)
    if n < 3:
        raise ValueError(f"need at least 3 units, got {n}")

    counts = np.array([int(values.get(c, 0)) for c in units], dtype=float)
    pops = np.array([int(population[c] or 0) for c in units], dtype=float)
    crude = counts / pops * PER
    if smoothing == "eb":
        smoothed = empirical_bayes_rates(counts, pops) * PER
        smooth_text = "global empirical-Bayes smoothed rates (Marshall 1991)"
    elif smoothing == "none":
        smoothed = crude.copy()
        smooth_text = "crude rates"
    else:
        raise ValueError(f"unknown smoothing {smoothing!r} (use 'eb' or 'none')")

    perms = auto_permutations(n, alpha) if permutations is None else int(permutations)
    if perms < 99:
        raise ValueError("permutations must be at least 99")
    total = int(counts.sum())
    detectable = min_detectable_cluster(n, perms, alpha, fdr)

    if total == 0 or np.allclose(smoothed, smoothed[0]):
        z = np.zeros(n)
        p_two = np.ones(n)
        direction = np.zeros(n)
        notes.append("no variation in the indicator: nothing can be a hotspot")
    else:
        w = cw.to_libpysal()
        with warnings.catch_warnings():
            # esda warns that 'directed' p-values will change default; we fold them explicitly below.
            warnings.simplefilter("ignore", FutureWarning)
            g = G_Local(
                smoothed,
                w,
                transform="B",
                star=True,
                permutations=perms,
                keep_simulations=False,
                n_jobs=n_jobs,
                seed=seed,
            )
        z = np.asarray(g.Zs, dtype=float)
        # p_sim is the one-tailed p of the tail the observation falls in; doubling makes it two-sided.
        p_two = np.minimum(1.0, 2.0 * np.asarray(g.p_sim, dtype=float))
        # Conditional-permutation mean of Gi*: own value plus k_i draws from the other n-1 values.
        card = np.array([len(cw.neighbours[c]) for c in units], dtype=float)
        s = smoothed.sum()
        expected = (smoothed + card * (s - smoothed) / (n - 1)) / s
        direction = np.sign(np.asarray(g.Gs, dtype=float) - expected)
    q = stats.false_discovery_control(p_two, method="bh") if fdr else p_two.copy()
    sig = q <= alpha

    method = (
        f"Getis-Ord Gi* (esda {esda.__version__}) on {smooth_text} per 100,000 (2020 census), "
        f"{cw.describe()}, {perms} conditional permutations (seed {seed}), two-sided, "
        + (f"Benjamini-Hochberg FDR at {alpha:g}" if fdr else f"unadjusted p <= {alpha:g}")
    )
    notes.append(f"smallest cluster this run can detect: {detectable} units at the permutation floor")
    basis = DataBasis(
        "spatial hotspots",
        indicator,
        period,
        source,
        n,
        total,
        method,
        tuple(sorted(set(excluded))),
        tuple(notes),
    )
    results = []
    for i, code in enumerate(units):
        kind: Kind = "none"
        if sig[i]:
            kind = "hot" if direction[i] > 0 else "cold" if direction[i] < 0 else "none"
        results.append(
            HotspotResult(
                code=code,
                count=int(counts[i]),
                population=int(pops[i]),
                rate=float(crude[i]),
                rate_ci95=poisson_rate_ci(int(counts[i]), int(pops[i])),
                smoothed_rate=float(smoothed[i]),
                gi_star_z=float(z[i]),
                p_value=float(p_two[i]),
                q_value=float(q[i]),
                significant=bool(sig[i] and kind != "none"),
                kind=kind,
                neighbours=cw.neighbours[code],
                basis=basis,
            )
        )
    return HotspotReport(tuple(results), basis, perms, alpha, fdr, detectable)
