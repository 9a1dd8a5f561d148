"""Mutation matrices against pedmut's definitions, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from homeward.engines.kinship import MutationError, MutationSpec, mutation_matrix


def test_equal_model() -> None:
    m = mutation_matrix("equal", ["1", "2", "3"], rate=0.1)
    np.testing.assert_allclose(np.diag(m), 0.9)
    np.testing.assert_allclose(m[0, 1], 0.05)
    np.testing.assert_allclose(m.sum(axis=1), 1)


def test_proportional_model_is_stationary() -> None:
    p = np.array([0.2, 0.3, 0.5])
    m = mutation_matrix("proportional", ["1", "2", "3"], p, rate=0.1)
    alpha = 0.1 / (0.2 * 0.8 + 0.3 * 0.7 + 0.5 * 0.5)
    np.testing.assert_allclose(m[0, 1], alpha * 0.3)
    np.testing.assert_allclose(m[0, 0], 1 - alpha + alpha * 0.2)
    np.testing.assert_allclose(p @ m, p)
    # pedmut's own test: m[2,1], m[1,2], m[1,3] equal m[3,1], m[3,2], m[2,3] columnwise by target
    assert m[1, 0] == pytest.approx(m[2, 0]) and m[0, 1] == pytest.approx(m[2, 1])
    # expected mutation rate sum_i p_i (1 - m_ii) equals the given rate
    assert float(np.sum(p * (1 - np.diag(m)))) == pytest.approx(0.1)


def test_stepwise_by_hand() -> None:
    alleles = ["9", "9.3", "10", "11"]
    rate, rate2, rng = 0.01, 0.001, 0.5
    m = mutation_matrix("stepwise", alleles, rate=rate, rate2=rate2, range_=rng)
    # allele 9 (integer group {9, 10, 11}): diag 1-rate-rate2, 10 and 11 weighted 0.5^1 : 0.5^2
    assert m[0, 0] == pytest.approx(1 - rate - rate2)
    assert m[0, 2] == pytest.approx(rate * 0.5 / (0.5 + 0.25))
    assert m[0, 3] == pytest.approx(rate * 0.25 / (0.5 + 0.25))
    assert m[0, 1] == pytest.approx(rate2 / 1)  # one allele outside the group
    # allele 9.3 is alone in its group: diag 1-rate2, rate2 spread over the 3 integers
    assert m[1, 1] == pytest.approx(1 - rate2)
    np.testing.assert_allclose(m[1, [0, 2, 3]], rate2 / 3)
    # allele 10: neighbours 9 and 11 equally weighted
    assert m[2, 0] == pytest.approx(rate / 2) and m[2, 3] == pytest.approx(rate / 2)
    np.testing.assert_allclose(m.sum(axis=1), 1)


def test_stepwise_all_integers_and_range_one() -> None:
    m = mutation_matrix("stepwise", ["8", "9", "10"], rate=0.02, rate2=0.5, range_=1.0)
    assert m[0, 0] == pytest.approx(0.98)  # rate2 unused when every allele is an integer
    assert m[0, 1] == pytest.approx(0.01) and m[0, 2] == pytest.approx(0.01)


def test_onestep() -> None:
    m = mutation_matrix("onestep", ["8", "9", "10", "13"], rate=0.004)
    assert m[0, 1] == pytest.approx(0.004) and m[0, 0] == pytest.approx(0.996)
    assert m[1, 0] == pytest.approx(0.002) and m[1, 2] == pytest.approx(0.002)
    assert m[3, 3] == 1.0  # no neighbour: no mutation possible
    with pytest.raises(MutationError, match="integers"):
        mutation_matrix("onestep", ["9", "9.3"], rate=0.01)


def test_spec_parsing_and_sex_rates() -> None:
    spec = MutationSpec.from_mapping({"model": "equal", "rate": 0.002, "rate_female": 0.0005})
    assert spec.rate_for("male") == 0.002 and spec.rate_for("female") == 0.0005
    merged = spec.merged({"model": "stepwise", "rate2": 1e-5, "range": 0.1})
    assert merged.model == "stepwise" and merged.rate_for("female") == 0.0005
    with pytest.raises(MutationError, match="unknown mutation model"):
        MutationSpec.from_mapping({"model": "wild", "rate": 0.1})
    with pytest.raises(MutationError, match="needs 'rate2' and 'range'"):
        MutationSpec.from_mapping({"model": "stepwise", "rate": 0.1})
    with pytest.raises(MutationError, match="must be a number"):
        MutationSpec.from_mapping({"model": "equal", "rate": "fast"})
