"""Weights: monotonicity by construction, estimation, calibration."""

from __future__ import annotations

import dataclasses
import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.engines.linkage import (
    DEFAULT_WEIGHTS,
    FIELDS,
    FoundRecord,
    LinkageWeights,
    MatchIndex,
    MissingRecord,
    MonotonicityError,
    Place,
    comparison_levels,
    fit_weights,
    score_pair,
)
from homeward.engines.linkage.model import monotone_log_ratios
from homeward.engines.linkage.simulate import Simulator


def test_probability_is_the_logistic_of_the_summed_weights(
    report: MissingRecord, bare_found: FoundRecord
) -> None:
    f = dataclasses.replace(bare_found, name="王铭铭", dialect="重庆话")
    s = score_pair(report, f)
    total = sum(r.weight for r in s.reasons.values())
    z = DEFAULT_WEIGHTS.intercept + DEFAULT_WEIGHTS.scale * total
    assert math.isclose(s.log_odds, z)
    assert math.isclose(s.probability, 1 / (1 + math.exp(-z)))


def test_weights_breaking_monotonicity_are_refused() -> None:
    levels = dict(DEFAULT_WEIGHTS.levels)
    bad = dict(levels, marks=(-0.5, 2.0, 1.0, 4.0))  # decreasing
    with pytest.raises(MonotonicityError):
        LinkageWeights(bad)
    with pytest.raises(MonotonicityError):
        LinkageWeights(dict(levels, marks=(0.5, 1.0, 2.0, 4.0)))  # disagreement may not add
    with pytest.raises(MonotonicityError):
        LinkageWeights(dict(levels, marks=(-0.5, -0.1, 2.0, 4.0)))  # agreement may not subtract
    with pytest.raises(MonotonicityError):
        LinkageWeights(levels, scale=-1.0)


def test_log_ratios_closed_form_and_pooling() -> None:
    # Already increasing: plain log(m/u) with m = counts / total (no smoothing).
    got = monotone_log_ratios(np.array([10.0, 30, 60]), np.array([80.0, 15, 5]), smoothing=0.0)
    assert np.allclose(got, [math.log(0.1 / 0.8), math.log(0.3 / 0.15), math.log(0.6 / 0.05)])
    # Raw ratios 0, log 2, log(40/45): the last two are pooled (weights 15 and 85 pairs).
    got = monotone_log_ratios(np.array([50.0, 10, 40]), np.array([50.0, 5, 45]), smoothing=0.0)
    pooled = (15 * math.log(2) + 85 * math.log(40 / 45)) / 100
    assert np.allclose(got, [0.0, pooled, pooled])


def _training_pairs(n_found: int, seed: int) -> tuple[list[tuple[MissingRecord, FoundRecord]], list[bool]]:
    sim = Simulator(seed)
    rng = random.Random(seed)
    missing = [sim.missing() for _ in range(400)]
    idx = MatchIndex()
    idx.add_many(missing)
    by_id = {m.id: m for m in missing}
    pairs: list[tuple[MissingRecord, FoundRecord]] = []
    labels: list[bool] = []
    for m in rng.sample(missing, n_found):
        f = sim.found_for(m, "f" + m.id)
        pairs.append((m, f))
        labels.append(True)
        others = [i for i in idx.consistent_ids(f) if i != m.id]
        for i in rng.sample(others, min(10, len(others))):
            pairs.append((by_id[i], f))
            labels.append(False)
    return pairs, labels


def test_fit_weights_is_monotone_calibrated_and_separates() -> None:
    pairs, labels = _training_pairs(60, seed=5)
    w = fit_weights(pairs, labels)
    for name, levels in w.levels.items():
        assert len(levels) == len(FIELDS[name])
        assert levels[0] <= 0 and all(b >= a for a, b in itertools.pairwise(levels))
    compared = comparison_levels(pairs)
    total = np.zeros(len(pairs))
    for name in FIELDS:
        total += np.take(w.table(name), compared[name] + 1)
    probs = w.probability(total)
    # spot-check the vectorised sum against score_pair
    assert math.isclose(score_pair(*pairs[1], w).probability, float(probs[1]), rel_tol=1e-9)
    y = np.array(labels)
    # Platt scaling fits an intercept, so predicted and observed rates agree on the training set.
    assert abs(probs.mean() - y.mean()) < 0.01
    assert np.median(probs[y]) > 0.5 > np.median(probs[~y])
    # Strong agreement is worth more than weak agreement after fitting too
    assert w.levels["given_name"][-1] > 0 and w.levels["place"][-1] >= w.levels["place"][2]


def test_fit_needs_both_labels(report: MissingRecord, bare_found: FoundRecord) -> None:
    with pytest.raises(ValueError, match="both"):
        fit_weights([(report, bare_found)], [True])


# -- monotonicity: more agreeing evidence never lowers the score -----------------------------

EVIDENCE = ("name", "nickname", "parent", "place", "dialect", "height", "mark", "memory")


def _add(found: FoundRecord, report: MissingRecord, what: str) -> FoundRecord:
    assert report.name and report.father_name and report.missing_division
    if what == "name":
        return dataclasses.replace(found, remembered_names=(*found.remembered_names, report.name))
    if what == "nickname":
        return dataclasses.replace(found, remembered_names=(*found.remembered_names, *report.nicknames))
    if what == "parent":
        return dataclasses.replace(found, remembered_parents=(*found.remembered_parents, report.father_name))
    if what == "place":
        return dataclasses.replace(
            found,
            remembered_places=(*found.remembered_places, Place(division=report.missing_division, year=1995)),
        )
    if what == "dialect":
        return dataclasses.replace(found, dialect=report.dialect)
    if what == "height":
        return dataclasses.replace(found, height_cm=172.0)
    if what == "mark":
        return dataclasses.replace(found, marks=(*found.marks, *report.marks))
    return dataclasses.replace(found, memories=(found.memories or "") + "，" + (report.circumstances or ""))


@settings(max_examples=40, deadline=None)
@given(
    base=st.lists(st.sampled_from(EVIDENCE), unique=True),
    extra=st.sampled_from(EVIDENCE),
    noise=st.sampled_from(["", "王强", "小红"]),
)
def test_more_agreeing_evidence_never_lowers_the_score(base: list[str], extra: str, noise: str) -> None:
    from datetime import date

    report = MissingRecord(
        id="m1", sex="M", birth_date=date(1990, 3, 1), missing_date=date(1995, 5, 1),
        missing_division="500228", name="陈明明", nicknames=("小明",), father_name="陈建国",
        height_cm=111.3, marks=("左臂有一块黑痣",), dialect="四川话", circumstances="家门口有条河",
    )  # fmt: skip
    found = FoundRecord(
        id="f1", sex="M", age_min=28, age_max=32, found_date=date(2021, 6, 1), name=noise or None
    )
    for what in base:
        found = _add(found, report, what)
    before = score_pair(report, found).probability
    after = score_pair(report, _add(found, report, extra)).probability
    assert after >= before


def test_weights_fitted_before_a_field_existed_give_it_no_weight() -> None:
    stored = DEFAULT_WEIGHTS.to_dict()
    levels = dict(stored["levels"])  # type: ignore[call-overload]
    del levels["age_when_missing"]
    loaded = LinkageWeights.from_dict({**stored, "levels": levels})
    assert loaded.levels["age_when_missing"] == (0.0, 0.0, 0.0)
    assert loaded.levels["memories"] == DEFAULT_WEIGHTS.levels["memories"]
