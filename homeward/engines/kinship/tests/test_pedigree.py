"""The pedigree engine against pedprobr's published test values and Familias exercise answers."""

from __future__ import annotations

import numpy as np
import pytest

from homeward.engines.kinship import Pedigree, Person, likelihood, mutation_matrix
from homeward.engines.kinship.pedigree import PedigreeError

I2 = {"male": np.eye(2), "female": np.eye(2)}


def g(a: int, b: int) -> np.ndarray:
    return np.array([[a, b]])


def nuclear(children: int = 1) -> Pedigree:
    kids = [Person(str(3 + k), "male", "1", "2") for k in range(children)]
    return Pedigree([Person("1", "male"), Person("2", "female"), *kids])


def test_pedprobr_trio_snp() -> None:
    # pedprobr tests/test-mutations.R "likelihoods are correct in trio SNP examples"
    p, q = 0.2, 0.8
    f = np.array([p, q])
    assert likelihood(nuclear(), {"1": g(0, 1), "2": g(0, 1), "3": g(0, 1)}, f, I2)[0] == pytest.approx(
        2 * p**2 * q**2
    )
    assert likelihood(nuclear(), {"1": g(0, 1), "3": g(0, 1)}, f, I2)[0] == pytest.approx(p * q)


def test_pedprobr_siblings_and_three_generations() -> None:
    p, q = 0.2, 0.8
    f = np.array([p, q])
    assert likelihood(nuclear(2), {"3": g(1, 1), "4": g(1, 1)}, f, I2)[0] == pytest.approx(
        0.25 * q**2 * (1 + q) ** 2
    )
    ped = Pedigree(
        [
            Person("4", "male"),
            Person("5", "female"),
            Person("6", "male"),
            Person("7", "female"),
            Person("1", "male", "4", "5"),
            Person("2", "female", "6", "7"),
            Person("3", "male", "1", "2"),
        ]
    )
    lik = likelihood(ped, {"4": g(0, 1), "7": g(0, 1), "3": g(0, 1)}, f, I2)[0]
    assert lik == pytest.approx((2 * p * q) ** 2 * (3 / 8 + p * q / 2))


def test_pedprobr_mutation_values() -> None:
    # "trio - someTyped - mutation": father 1/1, mother 1/1, child 2/2, equal model rate 0.1
    p, q = 0.9, 0.1
    f = np.array([p, q])
    m = mutation_matrix("equal", ["1", "2"], f, rate=0.1)
    mats = {"male": m, "female": m}
    lik = likelihood(nuclear(), {"1": g(0, 0), "2": g(0, 0), "3": g(1, 1)}, f, mats)[0]
    assert lik == pytest.approx(p**4 * m[0, 1] ** 2)
    m = mutation_matrix("proportional", ["1", "2"], f, rate=0.1)
    mats = {"male": m, "female": m}
    assert likelihood(nuclear(), {"1": g(0, 0), "3": g(1, 1)}, f, mats)[0] == pytest.approx(
        p**2 * q * m[0, 1]
    )


def test_pedprobr_theta_linear_pedigree() -> None:
    # pedprobr tests/test-theta-correction.R: linearPed(2), person 5 = A/A, pA = 0.3, theta 0.01 -> 0.0921
    ped = Pedigree(
        [
            Person("1", "male"),
            Person("2", "female"),
            Person("3", "male", "1", "2"),
            Person("4", "female"),
            Person("5", "male", "3", "4"),
        ]
    )
    f = np.array([0.3, 0.7])
    assert likelihood(ped, {"5": g(0, 0)}, f, I2, theta=0.01)[0] == pytest.approx(0.0921)
    assert likelihood(ped, {"5": g(0, 0)}, f, I2, theta=0.0)[0] == pytest.approx(0.09)


def test_familias_exercise_brother_hypothesis() -> None:
    # ISFG-GHEP 2024 exercise IV-1 f): AF a/b, child a/c, mother c/c; LR(AF father vs AF's brother) = 1.96
    f = np.array([0.01, 0.3, 0.69])
    i3 = {"male": np.eye(3), "female": np.eye(3)}
    h1 = Pedigree([Person("AF", "male"), Person("MO", "female"), Person("CH", "male", "AF", "MO")])
    h3 = Pedigree(
        [
            Person("GF", "male"),
            Person("GM", "female"),
            Person("AF", "male", "GF", "GM"),
            Person("BR", "male", "GF", "GM"),
            Person("MO", "female"),
            Person("CH", "male", "BR", "MO"),
        ]
    )
    typed = {"AF": g(0, 1), "MO": g(2, 2), "CH": g(0, 2)}
    lr = likelihood(h1, typed, f, i3)[0] / likelihood(h3, typed, f, i3)[0]
    assert round(lr, 2) == 1.96


def test_batch_axis_matches_single_calls() -> None:
    f = np.array([0.1, 0.2, 0.3, 0.4])
    m = mutation_matrix("equal", list("1234"), f, rate=0.05)
    mats = {"male": m, "female": m * 1.0}
    ped = nuclear(2)
    kids = np.array([[0, 1], [2, 3], [1, 1], [3, 0]])
    sib = np.array([[0, 2], [2, 3], [1, 2], [0, 0]])
    batch = likelihood(ped, {"3": kids, "4": sib}, f, mats, theta=0.03)
    single = [
        likelihood(ped, {"3": kids[i : i + 1], "4": sib[i : i + 1]}, f, mats, theta=0.03)[0] for i in range(4)
    ]
    np.testing.assert_allclose(batch, single)


def test_total_probability_is_one() -> None:
    # Summing a typed person's likelihood over all genotypes gives the likelihood without them.
    f = np.array([0.15, 0.25, 0.6])
    m = mutation_matrix("stepwise", ["9", "10", "10.2"], rate=0.02, rate2=0.01, range_=0.3)
    mats = {"male": m, "female": m}
    ped = nuclear(2)
    a, b = np.triu_indices(3)
    child = np.stack([a, b], axis=1)
    sib = np.broadcast_to(np.array([0, 2]), child.shape)
    total = likelihood(ped, {"3": child, "4": sib}, f, mats, theta=0.05).sum()
    alone = likelihood(ped, {"4": sib[:1]}, f, mats, theta=0.05)[0]
    assert total == pytest.approx(alone)


def test_bad_pedigrees() -> None:
    with pytest.raises(PedigreeError, match="father must be male"):
        Pedigree([Person("a", "female"), Person("b", "female"), Person("c", "male", "a", "b")])
    with pytest.raises(PedigreeError, match="both parents"):
        Pedigree([Person("a", "male"), Person("c", "male", "a", None)])
