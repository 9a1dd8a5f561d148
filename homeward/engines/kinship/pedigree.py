"""Exact single-locus pedigree likelihoods with mutation and Balding–Nichols θ.

This is the reference engine every hypothesis is built on. Its semantics follow the R
pedsuite (pedprobr ``likelihood``/``likTheta`` with pedmut matrices):

* founders' alleles come from the population; with θ > 0 *all* founder alleles of the
  pedigree (typed or not, connected or not) are drawn jointly from the Balding–Nichols
  (Pólya urn) distribution, P(a_j | a_1..a_{j-1}) = (θ·#{i<j: a_i=a_j} + (1-θ)p) / (1+(j-2)θ);
* every transmission, including from an untyped parent, goes through the transmitting
  parent's sex-specific mutation matrix.

Algorithm: enumerate inheritance vectors (which parental slot each meiosis copies); given
one, every founder allele has a descent tree whose likelihood h(a) is a product of
matrix-vector messages. Founder alleles without typed descendants integrate to 1 and are
dropped (the Pólya urn is consistent under marginalisation). The remaining untyped founder
alleles are integrated against the urn *given the typed founder alleles*: this is a
Chinese-restaurant expansion over set partitions with base measure q = θ·counts + (1-θ)p.
Everything carries a leading batch axis so the same code scores many families at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import factorial

import numpy as np


class PedigreeError(ValueError):
    """Inconsistent pedigree definition."""


@dataclass(frozen=True)
class Person:
    name: str
    sex: str
    father: str | None = None
    mother: str | None = None


class Pedigree:
    """A small pedigree (possibly several disconnected components); parents listed or not."""

    def __init__(self, persons: Sequence[Person]) -> None:
        self.persons = list(persons)
        self.index = {p.name: i for i, p in enumerate(self.persons)}
        if len(self.index) != len(self.persons):
            raise PedigreeError("duplicate person names")
        for p in self.persons:
            if p.sex not in ("male", "female"):
                raise PedigreeError(f"{p.name}: sex must be male or female")
            if (p.father is None) != (p.mother is None):
                raise PedigreeError(f"{p.name}: give both parents or none")
            if p.father is not None:
                if p.father not in self.index or p.mother not in self.index:
                    raise PedigreeError(f"{p.name}: unknown parent")
                if self.persons[self.index[p.father]].sex != "male":
                    raise PedigreeError(f"{p.name}: father must be male")
                if self.persons[self.index[p.mother]].sex != "female":  # type: ignore[index]
                    raise PedigreeError(f"{p.name}: mother must be female")
        self.order = self._topological()
        self.founders = [i for i in self.order if self.persons[i].father is None]
        self.nonfounders = [i for i in self.order if self.persons[i].father is not None]
        # (child, slot, parent): slot 0 is the paternal allele, 1 the maternal allele.
        self.meioses: list[tuple[int, int, int]] = []
        for i in self.nonfounders:
            p = self.persons[i]
            self.meioses.append((i, 0, self.index[p.father]))  # type: ignore[index]
            self.meioses.append((i, 1, self.index[p.mother]))  # type: ignore[index]

    def _topological(self) -> list[int]:
        order: list[int] = []
        done: set[int] = set()
        visiting: set[int] = set()

        def visit(i: int) -> None:
            if i in done:
                return
            if i in visiting:
                raise PedigreeError("pedigree has a cycle")
            visiting.add(i)
            p = self.persons[i]
            for parent in (p.father, p.mother):
                if parent is not None:
                    visit(self.index[parent])
            visiting.discard(i)
            done.add(i)
            order.append(i)

        for i in range(len(self.persons)):
            visit(i)
        return order


@lru_cache(maxsize=16)
def _set_partitions(k: int) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """All set partitions of range(k), each a tuple of blocks."""
    if k == 0:
        return ((),)
    out: list[tuple[tuple[int, ...], ...]] = []
    for part in _set_partitions(k - 1):
        for b in range(len(part)):
            out.append(tuple((*blk, k - 1) if j == b else blk for j, blk in enumerate(part)))
        out.append((*part, (k - 1,)))
    return tuple(out)


def theta_sequence_prob(alleles: Sequence[np.ndarray], freqs: np.ndarray, theta: float) -> np.ndarray:
    """Joint Balding–Nichols probability of an ordered allele sequence (batched; pedprobr ``thetaCorr``)."""
    batch = alleles[0].shape[0] if alleles else 1
    prob = np.ones(batch)
    for j, a in enumerate(alleles):
        same = np.zeros(batch)
        for prev in alleles[:j]:
            same += prev == a
        prob *= (same * theta + (1.0 - theta) * freqs[a]) / (1.0 + (j - 1) * theta)
    return prob


def likelihood(
    ped: Pedigree,
    typed: Mapping[str, np.ndarray],
    freqs: np.ndarray,
    matrices: Mapping[str, np.ndarray],
    theta: float = 0.0,
) -> np.ndarray:
    """Likelihood of typed genotypes (each an int array (B, 2) of allele codes) for one locus.

    Persons absent from ``typed`` are untyped at this locus. Returns an array of shape (B,).
    """
    n = len(freqs)
    batch = next(iter(typed.values())).shape[0] if typed else 1
    gen = {ped.index[name]: np.asarray(g, dtype=np.intp) for name, g in typed.items()}
    eye = np.eye(n)
    mats_t = {sex: np.ascontiguousarray(m.T) for sex, m in matrices.items()}

    typed_founders = [i for i in ped.founders if i in gen]
    untyped_founders = {i for i in ped.founders if i not in gen}
    founder_alleles = [gen[i][:, s] for i in typed_founders for s in (0, 1)]
    p_typed = theta_sequence_prob(founder_alleles, freqs, theta)
    for i in typed_founders:
        # Typed founders keep one phase; the other is the same term with its meiosis bits flipped.
        p_typed = p_typed * (1.0 + (gen[i][:, 0] != gen[i][:, 1]))
    counts = np.zeros((batch, n))
    rows = np.arange(batch)
    for a in founder_alleles:
        np.add.at(counts, (rows, a), 1.0)
    base = theta * counts + (1.0 - theta) * freqs[None, :]
    m_typed = len(founder_alleles)

    # An untyped founder's two alleles are exchangeable: fix the first meiosis it feeds (×2).
    fixed: set[int] = set()
    seen_parents: set[int] = set()
    for k, (_child, _slot, parent) in enumerate(ped.meioses):
        if parent in untyped_founders and parent not in seen_parents:
            seen_parents.add(parent)
            fixed.add(k)
    free = [k for k in range(len(ped.meioses)) if k not in fixed]
    typed_nonfounders = [i for i in ped.nonfounders if i in gen]
    het = {i: (gen[i][:, 0] != gen[i][:, 1]).astype(np.float64) for i in typed_nonfounders}
    onehot = {i: (eye[gen[i][:, 0]], eye[gen[i][:, 1]]) for i in gen}

    children: dict[tuple[int, int], list[tuple[int, int]]] = {}
    total = np.zeros(batch)
    for bits in itertools.product((0, 1), repeat=len(free)):
        choice = [0] * len(ped.meioses)
        for k, b in zip(free, bits, strict=True):
            choice[k] = b
        children = {}
        for k, (child, slot, parent) in enumerate(ped.meioses):
            children.setdefault((parent, choice[k]), []).append((child, slot))
        for phase in itertools.product((0, 1), repeat=len(typed_nonfounders)):
            weight = np.full(batch, 0.5 ** len(free))
            obs: dict[tuple[int, int], np.ndarray] = {}
            for i in typed_founders:
                obs[(i, 0)], obs[(i, 1)] = onehot[i]
            for i, ph in zip(typed_nonfounders, phase, strict=True):
                first, second = onehot[i]
                if ph:
                    first, second = second, first
                    weight = weight * het[i]
                obs[(i, 0)], obs[(i, 1)] = first, second
            if not weight.any():
                continue
            msg: dict[tuple[int, int], np.ndarray | None] = {}
            term = weight
            relevant: list[np.ndarray] = []
            for i in reversed(ped.order):
                sex = ped.persons[i].sex
                for s in (0, 1):
                    h: np.ndarray | None = None
                    for c in children.get((i, s), ()):
                        hc = msg[c]
                        if hc is not None:
                            up = hc @ mats_t[sex]
                            h = up if h is None else h * up
                    if i in untyped_founders:
                        if h is not None:
                            relevant.append(h)
                        continue
                    if i in typed_founders:
                        if h is not None:
                            term = term * np.einsum("bn,bn->b", h, obs[(i, s)])
                        continue
                    o = obs.get((i, s))
                    if o is not None:
                        h = o if h is None else h * o
                    msg[(i, s)] = h
            if relevant:
                term = term * _urn_expectation(relevant, base, theta, m_typed)
            total += term
    return p_typed * total


def _urn_expectation(hs: list[np.ndarray], base: np.ndarray, theta: float, m_typed: int) -> np.ndarray:
    """E[prod_j h_j(u_j)] for untyped founder alleles u drawn from the urn after m typed alleles."""
    k = len(hs)
    denom = 1.0
    for j in range(1, k + 1):
        denom *= 1.0 + (m_typed + j - 2) * theta
    out = np.zeros(base.shape[0])
    for part in _set_partitions(k):
        if theta == 0.0 and any(len(b) > 1 for b in part):
            continue
        w = 1.0
        for blk in part:
            w *= theta ** (len(blk) - 1) * factorial(len(blk) - 1)
        val = np.full(base.shape[0], w)
        for blk in part:
            prod = base
            for j in blk:
                prod = prod * hs[j]
            val = val * prod.sum(axis=1)
        out += val
    return out / denom
