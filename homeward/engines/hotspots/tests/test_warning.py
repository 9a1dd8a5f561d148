"""Improved-Farrington early warning: reference thresholds, injected rise, stable counts."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from homeward.engines.hotspots import (
    FarringtonConfig,
    InsufficientHistoryError,
    assess_week,
    early_warning,
    monitor,
)
from homeward.engines.hotspots.synthetic import inject_outbreak, seasonal_series
from homeward.engines.hotspots.warning import exceedance_probability, predictive_upper


def test_negative_binomial_threshold_matches_surveillance_reference() -> None:
    # R surveillance test suite (Noufaily threshold, nbPlugin): mu0 = 5, phi = 1.5, two-sided
    # alpha = 0.05 (upper quantile 0.975), y = 11 -> upper bound 11, P(X >= 11) = 0.03763657.
    assert predictive_upper(5.0, 1.5, 0.025) == 11
    assert exceedance_probability(11, 5.0, 1.5) == pytest.approx(0.03763657, abs=1e-8)


def test_constant_series_gives_poisson_closed_form() -> None:
    series = [3] * (6 * 52) + [9]
    a = assess_week(series)
    assert a.expected == pytest.approx(3.0, rel=1e-6)
    assert a.dispersion == 1.0
    assert a.threshold == stats.poisson.ppf(0.99, 3.0) == 8
    assert a.p_value == pytest.approx(stats.poisson.sf(8, 3.0), rel=1e-6)
    assert a.alarm and early_warning(series) is not None
    assert not assess_week([3] * (6 * 52) + [8]).alarm


def test_fires_on_injected_rise() -> None:
    rng = np.random.default_rng(4)
    base = seasonal_series(rng, 6 * 52, mean=2.0)
    rise = inject_outbreak(base, rng, start=len(base) - 3, length=3, extra_mean=9.0)
    w = early_warning(rise, region="500115", indicator="missing-child reports")
    assert w is not None
    assert w.observed > w.threshold >= w.expected
    assert w.p_value < 0.01
    assert w.region == "500115" and "human judgement" in w.basis.statement()


def test_quiet_on_stable_counts() -> None:
    rng = np.random.default_rng(8)
    series = seasonal_series(rng, 7 * 52, mean=3.0)
    results = monitor(series, 6 * 52)
    alarms = sum(r.alarm for r in results)
    # Threshold is the 99% quantile: over 52 in-control weeks expect about 0.5 alarms.
    assert alarms <= 2
    assert all(r.expected > 0 for r in results)


def test_single_case_in_quiet_county_is_not_a_warning() -> None:
    series = [0] * (6 * 52) + [1]
    a = assess_week(series)
    assert a.p_value < 0.01 and a.observed > a.threshold
    assert not a.enough_recent and not a.alarm


def test_past_outbreak_does_not_mask_a_new_one() -> None:
    rng = np.random.default_rng(12)
    series = seasonal_series(rng, 6 * 52 + 1, mean=2.0)
    # A large outbreak in the same season one year earlier is down-weighted by the reweighting.
    now = series.copy()
    now[5 * 52 - 2 : 5 * 52 + 3] += 15
    now[6 * 52 - 2 :] += 9
    with_rw = assess_week(now)
    without = assess_week(now, config=FarringtonConfig(reweight_threshold=1e9))
    assert with_rw.expected < without.expected
    assert with_rw.alarm


def test_short_series_and_bad_counts() -> None:
    with pytest.raises(InsufficientHistoryError):
        assess_week([1] * 40)
    with pytest.raises(ValueError, match="week 3"):
        assess_week([1, 2, 3, -1] + [1] * 60)
