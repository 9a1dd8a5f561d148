"""Simulated profiles from a frequency table (tests, benchmarks, demos — never casework)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .frequencies import FrequencyTable
from .profiles import Genotype, Profile


class Simulator:
    """Draws unrelated founders and Mendelian children (optionally with equal-model mutation)."""

    def __init__(self, table: FrequencyTable, loci: Sequence[str] | None = None, seed: int = 0) -> None:
        self.table = table
        self.loci = list(loci) if loci is not None else list(table.loci)
        self.rng = np.random.default_rng(seed)
        self._alleles = {lc: list(table.loci[lc]) for lc in self.loci}
        self._p = {}
        for lc in self.loci:
            p = np.array(list(table.loci[lc].values()), dtype=float)
            self._p[lc] = p / p.sum()

    def _allele(self, locus: str) -> str:
        return self._alleles[locus][int(self.rng.choice(len(self._p[locus]), p=self._p[locus]))]

    def founder(self, sex: str | None = None) -> Profile:
        g: dict[str, Genotype] = {}
        for lc in self.loci:
            a, b = self._allele(lc), self._allele(lc)
            g[lc] = _pair(a, b)
        return Profile(genotypes=g, sex=sex)

    def child(
        self, father: Profile, mother: Profile, mutation_rate: float = 0.0, sex: str | None = None
    ) -> Profile:
        g: dict[str, Genotype] = {}
        for lc in self.loci:
            if lc not in father.genotypes or lc not in mother.genotypes:
                continue
            a = father.genotypes[lc][int(self.rng.integers(2))]
            b = mother.genotypes[lc][int(self.rng.integers(2))]
            if mutation_rate and self.rng.random() < mutation_rate:
                a = self._allele(lc)
            g[lc] = _pair(a, b)
        return Profile(genotypes=g, sex=sex)

    def founders_array(self, n: int) -> dict[str, np.ndarray]:
        """n unrelated genotypes per locus as index arrays (n, 2) into the table's allele order."""
        out = {}
        for lc in self.loci:
            out[lc] = self.rng.choice(len(self._p[lc]), size=(n, 2), p=self._p[lc]).astype(np.int16)
        return out

    def profiles_from_arrays(self, arrays: dict[str, np.ndarray], i: int, sex: str | None = None) -> Profile:
        return Profile(
            genotypes={
                lc: _pair(self._alleles[lc][int(arr[i, 0])], self._alleles[lc][int(arr[i, 1])])
                for lc, arr in arrays.items()
            },
            sex=sex,
        )


def _pair(a: str, b: str) -> Genotype:
    def key(x: str) -> tuple[float, str]:
        try:
            return (float(x), x)
        except ValueError:
            return (float("inf"), x)

    return (a, b) if key(a) <= key(b) else (b, a)
