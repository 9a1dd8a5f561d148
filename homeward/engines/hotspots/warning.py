"""Temporal early warning for small weekly counts: the improved Farrington method (Noufaily 2013).

For the week under test, a quasi-Poisson log-linear model is fitted to the past ``years_back`` years
of the same series (leaving out the most recent ``past_weeks_excluded`` weeks, so that a rise now
cannot inflate its own baseline). Seasonality is a 10-level factor: the ``2*half_window+1`` weeks
around the same week of earlier years form one level, the rest of the year is cut into 9 blocks.
A linear trend is kept only with at least 3 years of history, a Wald p-value below 0.05 and a
prediction no larger than the largest baseline count. Past outbreaks are down-weighted by their
Anscombe residuals (threshold 2.58) and the model refitted. The expected count ``mu0`` and the
over-dispersion ``phi`` (at least 1) give a negative-binomial predictive distribution with mean
``mu0`` and variance ``phi*mu0``; the week is flagged when its count exceeds the ``1-alpha`` quantile
and, as in Farrington's method, at least ``min_recent[0]`` events fell in the last ``min_recent[1]``
weeks (which keeps a single case in a quiet county from raising a warning). The probability reported
is P(X >= observed) under that distribution.

Why this method: weekly trafficking-related counts per county are small, over-dispersed and
seasonal (holidays, migrant-worker return), and outbreaks of the past must not raise the baseline:
the method was designed for exactly that (routine use at UKHSA and in the R package ``surveillance``
as ``farringtonFlexible``), and it yields an expected count and a probability rather than a bare
score. Weeks are counted as 52 to a year (a 53rd ISO week shifts the seasonal window by one week).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats

from .basis import DataBasis

WEEKS_PER_YEAR = 52


class InsufficientHistoryError(ValueError):
    """The series is too short for a seasonal baseline."""


@dataclass(frozen=True)
class WarningAssessment:
    """The outcome of testing one week; ``alarm`` says whether it is a warning."""

    region: str
    indicator: str
    week_index: int
    observed: int
    expected: float
    threshold: int
    p_value: float
    alarm: bool
    enough_recent: bool
    dispersion: float
    trend: bool
    reference_weeks: int
    years_back: int
    basis: DataBasis

    @property
    def excess(self) -> float:
        return self.observed - self.expected


EarlyWarning = WarningAssessment


@dataclass(frozen=True)
class FarringtonConfig:
    years_back: int = 5
    half_window: int = 3
    n_periods: int = 10
    past_weeks_excluded: int = 26
    alpha: float = 0.01
    min_recent: tuple[int, int] = (5, 4)
    reweight_threshold: float = 2.58
    trend_p: float = 0.05


@dataclass
class _Fit:
    mu0: float
    phi: float
    trend: bool


def _season_levels(offsets: np.ndarray, half_window: int, n_periods: int) -> np.ndarray:
    """Seasonal level of each baseline week from its distance (in weeks) to the test week."""
    d = np.mod(offsets, WEEKS_PER_YEAR)
    current = (d <= half_window) | (d >= WEEKS_PER_YEAR - half_window)
    if n_periods == 1:
        return np.where(current, 0, -1)
    between = WEEKS_PER_YEAR - 2 * half_window - 1
    level = 1 + ((d - half_window - 1) * (n_periods - 1)) // between
    return np.where(current, 0, level)


def _hat_diag(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    xw = x * np.sqrt(w)[:, None]
    return np.einsum("ij,jk,ik->i", xw, np.linalg.pinv(xw.T @ xw), xw)


def _glm(y: np.ndarray, x: np.ndarray, weights: np.ndarray | None) -> sm.GLM | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = sm.GLM(y, x, family=sm.families.Poisson(), var_weights=weights).fit(scale="X2", maxiter=100)
        except (ValueError, np.linalg.LinAlgError):
            return None
    if not np.all(np.isfinite(res.params)) or not res.converged:
        return None
    return res


def _fit(
    y: np.ndarray, levels: np.ndarray, wtime: np.ndarray, t: int, cfg: FarringtonConfig, trend: bool
) -> _Fit | None:
    present = [lv for lv in np.unique(levels) if lv != 0]
    cols = [np.ones_like(y)] + [(levels == lv).astype(float) for lv in present]
    x0 = [1.0] + [0.0] * len(present)
    if trend:
        cols.append(wtime.astype(float))
        x0.append(float(t))
    x = np.column_stack(cols)
    xnew = np.array(x0)
    res = _glm(y, x, None)
    if res is None:
        return None
    phi = max(float(res.scale), 1.0)
    mu = res.fittedvalues
    h = np.clip(_hat_diag(x, mu), 0.0, 0.999)
    s = 1.5 * (np.cbrt(y) ** 2 * mu ** (-1 / 6) - np.sqrt(mu)) / np.sqrt(phi * (1 - h))
    omega = np.where(s > cfg.reweight_threshold, 1.0 / np.maximum(s, 1e-12) ** 2, 1.0)
    omega *= len(y) / omega.sum()
    res2 = _glm(y, x, omega)
    if res2 is None:
        return None
    phi = max(float(res2.scale), 1.0)
    mu0 = float(np.exp(xnew @ res2.params))
    if trend:
        p_trend = float(res2.pvalues[-1])
        if not (p_trend < cfg.trend_p and mu0 <= y.max()):
            return None
    return _Fit(mu0, phi, trend)


def predictive_upper(mu0: float, phi: float, alpha: float) -> int:
    """The 1-alpha quantile of NB(mean mu0, variance phi*mu0) (Poisson when phi == 1)."""
    if phi > 1.0:
        return int(stats.nbinom.ppf(1 - alpha, mu0 / (phi - 1.0), 1.0 / phi))
    return int(stats.poisson.ppf(1 - alpha, mu0))


def exceedance_probability(observed: int, mu0: float, phi: float) -> float:
    """P(X >= observed) under the same predictive distribution."""
    if observed <= 0:
        return 1.0
    if phi > 1.0:
        return float(stats.nbinom.sf(observed - 1, mu0 / (phi - 1.0), 1.0 / phi))
    return float(stats.poisson.sf(observed - 1, mu0))


def assess_week(
    series: Sequence[int] | np.ndarray,
    week_index: int | None = None,
    *,
    config: FarringtonConfig | None = None,
    region: str = "",
    indicator: str = "",
    source: str = "",
) -> WarningAssessment:
    """Test week ``week_index`` (default: the last) of a weekly count series, oldest week first.

    Only weeks before ``week_index`` are used for the baseline (prospective use). Raises
    ``InsufficientHistoryError`` when less than one year plus the half-window of history exists.
    """
    cfg = config or FarringtonConfig()
    x = np.asarray(series)
    if x.ndim != 1 or len(x) == 0:
        raise ValueError("series must be a non-empty 1-D sequence of weekly counts")
    if np.any(x < 0) or not np.all(np.equal(np.mod(x, 1), 0)):
        bad = int(np.flatnonzero((x < 0) | (np.mod(x, 1) != 0))[0])
        raise ValueError(f"week {bad}: counts must be non-negative integers, got {x[bad]!r}")
    x = x.astype(float)
    t = len(x) - 1 if week_index is None else int(week_index)
    if not 0 <= t < len(x):
        raise ValueError(f"week_index {t} outside the series of {len(x)} weeks")
    b = min(cfg.years_back, (t - cfg.half_window) // WEEKS_PER_YEAR)
    if b < 1:
        raise InsufficientHistoryError(
            f"need at least {WEEKS_PER_YEAR + cfg.half_window + 1} weeks before the tested week, got {t}"
        )
    start = t - b * WEEKS_PER_YEAR - cfg.half_window
    stop = t - max(cfg.past_weeks_excluded, cfg.half_window + 1)
    idx = np.arange(start, stop + 1)
    levels = _season_levels(t - idx, cfg.half_window, cfg.n_periods)
    keep = levels >= 0
    idx, levels = idx[keep], levels[keep]
    y = x[idx]
    notes: list[str] = []

    fit: _Fit | None = None
    if y.sum() == 0:
        # No event at all in the baseline: a Jeffreys-type half event spread over the reference weeks.
        fit = _Fit(0.5 / len(y), 1.0, False)
        notes.append("baseline had no events; expected count set to 0.5 / reference weeks")
    else:
        for trend, seasonal in ((b >= 3, True), (False, True), (False, False)):
            lv = levels if seasonal else np.zeros_like(levels)
            fit = _fit(y, lv, idx, t, cfg, trend)
            if fit is not None:
                break
        if fit is None:
            fit = _Fit(
                float(y.mean()), max(1.0, float(y.var(ddof=1) / y.mean())) if len(y) > 1 else 1.0, False
            )
            notes.append("GLM did not converge; baseline is the plain mean of the reference weeks")

    observed = int(x[t])
    upper = predictive_upper(fit.mu0, fit.phi, cfg.alpha)
    recent = int(x[max(0, t - cfg.min_recent[1] + 1) : t + 1].sum())
    enough = recent >= cfg.min_recent[0]
    alarm = enough and observed > upper and observed > 0
    p = exceedance_probability(observed, fit.mu0, fit.phi)
    method = (
        f"improved Farrington (Noufaily 2013): quasi-Poisson GLM on {len(y)} reference weeks over {b} "
        f"year(s), {cfg.n_periods} seasonal levels, {'linear trend, ' if fit.trend else ''}outbreak "
        f"reweighting at {cfg.reweight_threshold}, the last {cfg.past_weeks_excluded} weeks excluded; "
        f"negative-binomial threshold at 1-{cfg.alpha:g}; warning only if >= {cfg.min_recent[0]} events in "
        f"the last {cfg.min_recent[1]} weeks"
    )
    notes.append(
        f"expected {fit.mu0:.2f}, threshold {upper}, observed {observed}, P(X >= observed) = {p:.3g}, "
        f"dispersion {fit.phi:.2f}"
    )
    basis = DataBasis(
        "early warning", indicator, f"week {t}", source, 1, int(y.sum()) + observed, method, (), tuple(notes)
    )
    return WarningAssessment(
        region, indicator, t, observed, fit.mu0, upper, p, alarm, enough, fit.phi, fit.trend, len(y), b, basis
    )


def early_warning(
    series: Sequence[int] | np.ndarray,
    *,
    config: FarringtonConfig | None = None,
    region: str = "",
    indicator: str = "",
    source: str = "",
) -> EarlyWarning | None:
    """A warning for the last week of ``series`` if it is unusually high, else ``None``."""
    a = assess_week(series, None, config=config, region=region, indicator=indicator, source=source)
    return a if a.alarm else None


def monitor(
    series: Sequence[int] | np.ndarray,
    start: int,
    *,
    config: FarringtonConfig | None = None,
    region: str = "",
    indicator: str = "",
) -> list[WarningAssessment]:
    """Assess every week from ``start`` to the end, each with only the data before it."""
    return [
        assess_week(series, t, config=config, region=region, indicator=indicator)
        for t in range(start, len(series))
    ]
