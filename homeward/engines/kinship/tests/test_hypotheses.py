"""Every hypothesis type against closed forms (textbook, kappa/IBD with θ) and mutation formulas."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from homeward.engines.kinship import (
    FrequencyTable,
    KinshipInputError,
    MinFrequencyRule,
    MutationSpec,
    Options,
    Thresholds,
    compute_lr,
)

P = {"1": 0.1, "2": 0.2, "3": 0.3, "4": 0.4}
TABLE = FrequencyTable.from_mapping({"L": P})


def lr(kind: str, theta: float = 0.0, mutation: MutationSpec | None = None, **roles: str) -> float:
    opts = {k: roles.pop(k) for k in list(roles) if k in Options.__dataclass_fields__}
    geno = {role: {"L": g} for role, g in roles.items()}
    return compute_lr(kind, geno, TABLE, mutation=mutation, theta=theta, options=Options(**opts)).lr


# --------------------------------------------------------------------------- independent references


def seq_prob(alleles: list[str], theta: float) -> float:
    """Balding–Nichols probability of an ordered allele sequence."""
    out = 1.0
    for j, a in enumerate(alleles):
        b = sum(1 for x in alleles[:j] if x == a)
        out *= (b * theta + (1 - theta) * P[a]) / (1 + (j - 1) * theta)
    return out


def orderings(gt: str) -> list[tuple[str, str]]:
    a, b = gt.split("/")
    return [(a, b)] if a == b else [(a, b), (b, a)]


def kappa_lr(x: str, y: str, kappa: tuple[float, float, float], theta: float = 0.0) -> float:
    """Pairwise LR from IBD coefficients, with θ via the joint urn over the distinct founder alleles."""
    p0 = p1 = p2 = 0.0
    for ox, oy in itertools.product(orderings(x), orderings(y)):
        p0 += seq_prob([*ox, *oy], theta)
        for i, j in itertools.product((0, 1), (0, 1)):
            if ox[i] == oy[j]:
                p1 += 0.25 * seq_prob([*ox, oy[1 - j]], theta)
        p2 += 0.5 * ((oy == ox) + (oy == ox[::-1])) * seq_prob(list(ox), theta)
    return (kappa[0] * p0 + kappa[1] * p1 + kappa[2] * p2) / p0


GENOTYPES = ["1/1", "1/2", "2/3", "3/3", "1/4", "2/4"]


# --------------------------------------------------------------------------------- closed forms


def test_duo_textbook_paternity_indices() -> None:
    assert lr("duo", parent="1/3", child="1/2") == pytest.approx(1 / (4 * 0.1))
    assert lr("duo", parent="1/1", child="1/2") == pytest.approx(1 / (2 * 0.1))
    assert lr("duo", parent="1/2", child="1/1") == pytest.approx(1 / (2 * 0.1))
    assert lr("duo", parent="1/1", child="1/1") == pytest.approx(1 / 0.1)
    assert lr("duo", parent="1/2", child="1/2") == pytest.approx((0.1 + 0.2) / (4 * 0.1 * 0.2))
    assert lr("duo", parent="3/4", child="1/2") == 0.0


def test_familias_exercise_paternity(abc: FrequencyTable) -> None:
    # ISFG-GHEP 2024 exercise IV-1: AF a/b, child a/c, pa = 0.01 -> LR 25; mother c/c -> LR 50
    duo = compute_lr("duo", {"parent": {"M1": "a/b"}, "child": {"M1": "a/c"}}, abc)
    assert duo.lr == pytest.approx(25.0)
    trio = compute_lr(
        "trio_known_mother", {"father": {"M1": "a/b"}, "mother": {"M1": "c/c"}, "child": {"M1": "a/c"}}, abc
    )
    assert trio.lr == pytest.approx(50.0)


def test_trio_types() -> None:
    # both alleged: P(child | F, M) / P(child)
    assert lr("trio", father="1/3", mother="2/4", child="1/2") == pytest.approx(0.25 / (2 * 0.1 * 0.2))
    assert lr("trio", father="1/1", mother="2/2", child="1/2") == pytest.approx(1 / (2 * 0.1 * 0.2))
    assert lr("trio", father="1/1", mother="1/1", child="1/1") == pytest.approx(1 / 0.01)
    assert lr("trio", father="3/3", mother="2/2", child="1/2") == 0.0
    # known mother: 1/(2 p_paternal) or, when the paternal allele is ambiguous, 1/(2(pa+pb)) forms
    assert lr("trio_known_mother", father="1/3", mother="2/4", child="1/2") == pytest.approx(1 / (2 * 0.1))
    assert lr("trio_known_mother", father="1/2", mother="1/2", child="1/2") == pytest.approx(
        (0.5 * 0.5 + 0.5 * 0.5) / (0.5 * 0.1 + 0.5 * 0.2)
    )
    assert lr("trio_known_father", father="2/4", mother="1/3", child="1/2") == pytest.approx(1 / (2 * 0.1))


@pytest.mark.parametrize(
    ("kind", "kappa", "extra"),
    [
        ("full_sib", (0.25, 0.5, 0.25), {}),
        ("half_sib", (0.5, 0.5, 0.0), {"shared_parent": "mother"}),
        ("grandparent", (0.5, 0.5, 0.0), {"line": "maternal", "relative_sex": "female"}),
        ("avuncular", (0.5, 0.5, 0.0), {}),
        ("first_cousin", (0.75, 0.25, 0.0), {"relative_line": "maternal"}),
        ("duo", (0.0, 1.0, 0.0), {}),
    ],
)
@pytest.mark.parametrize("theta", [0.0, 0.03])
def test_pairwise_kappa_closed_forms(
    kind: str, kappa: tuple[float, float, float], extra: dict[str, str], theta: float
) -> None:
    roles = ("parent", "child") if kind == "duo" else ("relative", "child")
    for x, y in itertools.product(GENOTYPES, GENOTYPES):
        got = lr(kind, theta, None, **{roles[0]: x, roles[1]: y}, **extra)
        assert got == pytest.approx(kappa_lr(x, y, kappa, theta), rel=1e-10), (kind, x, y)


def test_theta_duo_balding_nichols_formula() -> None:
    th = 0.02
    # child a/b, parent a/c: (1 + 2θ) / (4 (θ + (1 - θ) pa))
    assert lr("duo", theta=th, parent="1/3", child="1/2") == pytest.approx(
        (1 + 2 * th) / (4 * (th + (1 - th) * 0.1))
    )


def test_grandparent_couple_closed_form() -> None:
    # child allele from this side is one of the 4 grandparental alleles with prob 1/4 each
    gf, gm = ("1", "3"), ("2", "3")  # child 1/4
    pool = [*gf, *gm]

    def t(a: str) -> float:
        return pool.count(a) / 4

    expect = (t("1") * P["4"] + t("4") * P["1"]) / (2 * P["1"] * P["4"])
    got = lr("grandparents", grandfather="1/3", grandmother="2/3", child="1/4", line="maternal")
    assert got == pytest.approx(expect)
    assert lr("grandparents", grandfather="2/2", grandmother="3/3", child="1/4") == 0.0


# --------------------------------------------------------------------------------------- mutation


def equal_matrix(rate: float) -> np.ndarray:
    m = np.full((4, 4), rate / 3)
    np.fill_diagonal(m, 1 - rate)
    return m


@pytest.mark.parametrize("parent_sex", ["male", "female"])
def test_duo_with_sex_specific_equal_mutation(parent_sex: str) -> None:
    rm, rf = 0.004, 0.001
    spec = MutationSpec(model="equal", rate_male=rm, rate_female=rf)
    p = np.array(list(P.values()))
    mp = equal_matrix(rm if parent_sex == "male" else rf)
    mo = equal_matrix(rf if parent_sex == "male" else rm)
    r = p @ mo  # the untyped other parent's allele also passes through a mutation step
    for parent, child in [("3/4", "1/2"), ("1/3", "1/2"), ("2/2", "2/3"), ("1/1", "4/4")]:
        a, b = (int(x) - 1 for x in parent.split("/"))
        c1, c2 = (int(x) - 1 for x in child.split("/"))
        t = 0.5 * (mp[a] + mp[b])
        het = (t[c1] * r[c2] + t[c2] * r[c1]) / (2 * p[c1] * p[c2])
        expect = t[c1] * r[c1] / p[c1] ** 2 if c1 == c2 else het
        assert lr("duo", mutation=spec, parent=parent, child=child, parent_sex=parent_sex) == pytest.approx(
            expect
        )


def test_trio_with_mutation_formula() -> None:
    spec = MutationSpec(model="equal", rate_male=0.003, rate_female=0.001)
    mf, mm = equal_matrix(0.003), equal_matrix(0.001)
    # father 3/4 (excluded without mutation), mother 2/2, child 1/2
    tf = 0.5 * (mf[2] + mf[3])
    tm = mm[1]
    expect = (tf[0] * tm[1] + tf[1] * tm[0]) / (2 * 0.1 * 0.2)
    res = compute_lr(
        "trio", {"father": {"L": "3/4"}, "mother": {"L": "2/2"}, "child": {"L": "1/2"}}, TABLE, mutation=spec
    )
    assert res.lr == pytest.approx(expect)
    assert res.n_inconsistent == 1 and res.per_locus["L"] > 0


def test_mutation_tends_to_closed_form_and_stepwise_prefers_one_step() -> None:
    tiny = MutationSpec(model="stepwise", rate=1e-12, rate2=1e-12, range=0.5)
    assert lr("duo", mutation=tiny, parent="1/3", child="1/2") == pytest.approx(2.5, rel=1e-9)
    step = MutationSpec(model="stepwise", rate=0.002, rate2=1e-6, range=0.1)
    one = lr("duo", mutation=step, parent="2/2", child="1/1")  # 2 -> 1: one step
    two = lr("duo", mutation=step, parent="3/3", child="1/1")  # 3 -> 1: two steps
    assert one > 5 * two


def test_locus_mutation_override_merges_key_by_key() -> None:
    table = FrequencyTable.from_mapping({"L": P, "K": P})
    geno = {"parent": {"L": "3/4", "K": "3/4"}, "child": {"L": "1/2", "K": "1/2"}}
    base = MutationSpec(model="equal", rate=0.001)
    res = compute_lr("duo", geno, table, mutation=base, locus_mutation={"K": {"rate": 0.01}})
    plain = compute_lr("duo", {r: {"L": g["L"]} for r, g in geno.items()}, table, mutation=base)
    bigger = compute_lr(
        "duo",
        {r: {"L": g["K"]} for r, g in geno.items()},
        table,
        mutation=MutationSpec(model="equal", rate=0.01),
    )
    assert res.per_locus["L"] == pytest.approx(plain.lr)
    assert res.per_locus["K"] == pytest.approx(bigger.lr)


# ------------------------------------------------------------------------- results and conclusions


def test_result_fields_and_conclusions(nist: FrequencyTable) -> None:
    loci = list(nist.loci)[:21]
    child = {lc: "/".join(list(nist.loci[lc])[:2]) for lc in loci}
    parent = {lc: f"{next(iter(nist.loci[lc]))}/{list(nist.loci[lc])[-1]}" for lc in loci}
    res = compute_lr("duo", {"parent": parent, "child": child}, nist)
    assert res.n_loci == 21 and set(res.per_locus) == set(loci)
    assert res.log10_lr == pytest.approx(sum(math.log10(v) for v in res.per_locus.values()))
    assert res.conclusion == ("support" if res.lr >= 1e4 else "inconclusive")
    th = Thresholds()
    assert th.conclude(2e4, 19, single_parent=True) == "inconclusive_too_few_loci"
    assert th.conclude(2e4, 19, single_parent=False) == "support"
    assert th.conclude(1e-5, 25, single_parent=True) == "exclusion"
    assert th.conclude(5.0, 25, single_parent=True) == "inconclusive"


def test_missing_loci_and_min_frequency() -> None:
    table = FrequencyTable.from_mapping({"L": P, "K": P}, sample_size=50)
    res = compute_lr(
        "duo",
        {"parent": {"L": "1/3", "K": "1/2"}, "child": {"L": "1/2", "K": "-"}},
        table,
    )
    assert res.n_loci == 1 and "K" not in res.per_locus
    rule = MinFrequencyRule.parse("5/2N", sample_size=50)
    res = compute_lr("duo", {"parent": {"L": "1/9"}, "child": {"L": "9/2"}}, table, min_freq=rule)
    p9 = 0.05 / 1.05  # 5/2N added, then the locus renormalised
    assert res.lr == pytest.approx(1 / (4 * p9))
    with pytest.raises(KinshipInputError, match="allele 9 is not in frequency table"):
        compute_lr("duo", {"parent": {"L": "1/9"}, "child": {"L": "9/2"}}, table)


def test_bad_inputs() -> None:
    with pytest.raises(KinshipInputError, match="unknown role"):
        compute_lr("duo", {"father": {"L": "1/2"}, "child": {"L": "1/2"}}, TABLE)
    with pytest.raises(KinshipInputError, match="locus L: 3 alleles"):
        compute_lr("duo", {"parent": {"L": "1/2/3"}, "child": {"L": "1/2"}}, TABLE)
    with pytest.raises(KinshipInputError, match="locus Q is not in frequency table"):
        compute_lr("duo", {"parent": {"Q": "1/2"}, "child": {"Q": "1/2"}}, TABLE)
    with pytest.raises(KinshipInputError, match="unknown hypothesis"):
        compute_lr("cousin", {"child": {"L": "1/2"}}, TABLE)
    with pytest.raises(
        KinshipInputError, match="locus L: the onestep model requires all alleles to be integers"
    ):
        compute_lr(
            "duo",
            {"parent": {"L": "1/2"}, "child": {"L": "1/2"}},
            FrequencyTable.from_mapping({"L": {"1": 0.5, "1.3": 0.2, "2": 0.3}}),
            mutation=MutationSpec(model="onestep", rate=0.01),
        )
