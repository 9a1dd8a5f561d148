"""Property tests: LR symmetry where the relationship is symmetric; true pairs beat random pairs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.engines.kinship import FrequencyTable, MutationSpec, Options, compute_lr
from homeward.engines.kinship.simulate import Simulator

ALLELES = ["9", "9.3", "10", "11", "12"]
TABLE = FrequencyTable.from_mapping({"L": {"9": 0.15, "9.3": 0.1, "10": 0.3, "11": 0.25, "12": 0.2}})
genotype = st.tuples(st.sampled_from(ALLELES), st.sampled_from(ALLELES)).map(lambda t: f"{t[0]}/{t[1]}")
theta = st.sampled_from([0.0, 0.01, 0.05])
mutation = st.sampled_from(
    [
        MutationSpec(),
        MutationSpec(model="equal", rate=0.01),
        MutationSpec(model="proportional", rate_male=0.02, rate_female=0.005),
        MutationSpec(model="stepwise", rate=0.01, rate2=0.001, range=0.5),
    ]
)


def pair_lr(kind: str, a: str, b: str, th: float, mut: MutationSpec, options: Options) -> float:
    return compute_lr(kind, {"child": {"L": a}, "relative": {"L": b}}, TABLE, mut, th, options=options).lr


@settings(max_examples=40, deadline=None)
@given(genotype, genotype, theta, mutation)
def test_symmetric_relationships(a: str, b: str, th: float, mut: MutationSpec) -> None:
    # Full siblings, half siblings and same-line first cousins are symmetric pedigrees: swapping
    # the two people cannot change the LR, whatever the mutation model or θ.
    for kind, opts in [
        ("full_sib", Options()),
        ("half_sib", Options(shared_parent="mother")),
        ("first_cousin", Options(line="maternal", relative_line="maternal")),
    ]:
        assert pair_lr(kind, a, b, th, mut, opts) == pytest.approx(
            pair_lr(kind, b, a, th, mut, opts), rel=1e-9
        )


@settings(max_examples=40, deadline=None)
@given(genotype, genotype, theta)
def test_symmetric_without_mutation_across_generations(a: str, b: str, th: float) -> None:
    # Without mutation the LR depends only on the IBD coefficients, so parent/child,
    # grandparent/grandchild and uncle/nephew give the same LR both ways round.
    none = MutationSpec()
    fwd = compute_lr("duo", {"parent": {"L": a}, "child": {"L": b}}, TABLE, none, th).lr
    back = compute_lr("duo", {"parent": {"L": b}, "child": {"L": a}}, TABLE, none, th).lr
    assert fwd == pytest.approx(back, rel=1e-9)
    for kind in ("grandparent", "avuncular"):
        assert pair_lr(kind, a, b, th, none, Options()) == pytest.approx(
            pair_lr(kind, b, a, th, none, Options()), rel=1e-9
        )


@settings(max_examples=30, deadline=None)
@given(genotype, genotype, genotype)
def test_trio_is_symmetric_in_the_parents_when_rates_are_equal(f: str, m: str, c: str) -> None:
    mut = MutationSpec(model="stepwise", rate=0.005, rate2=0.0005, range=0.4)
    one = compute_lr("trio", {"father": {"L": f}, "mother": {"L": m}, "child": {"L": c}}, TABLE, mut, 0.02).lr
    two = compute_lr("trio", {"father": {"L": m}, "mother": {"L": f}, "child": {"L": c}}, TABLE, mut, 0.02).lr
    assert one == pytest.approx(two, rel=1e-9)


def test_true_parent_child_pairs_beat_random_pairs(nist: FrequencyTable) -> None:
    loci = list(nist.loci)[:6]
    sim = Simulator(nist, loci, seed=11)
    mut = MutationSpec(model="stepwise", rate=0.002, rate2=1e-5, range=0.5)
    true_hits = random_hits = 0
    n = 60
    for _ in range(n):
        father, mother, stranger = sim.founder("male"), sim.founder("female"), sim.founder("male")
        child = sim.child(father, mother, mutation_rate=0.002)
        true_hits += compute_lr("duo", {"parent": father, "child": child}, nist, mut).lr >= 1
        random_hits += compute_lr("duo", {"parent": stranger, "child": child}, nist, mut).lr >= 1
    assert true_hits / n > 0.9
    assert random_hits / n < 0.35
    assert np.isfinite(true_hits)
