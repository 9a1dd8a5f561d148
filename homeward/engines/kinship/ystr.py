"""Y-STR haplotype lineage search: exact and 1–2-mismatch matches with step counts.

A paternal-line *lead* list, kept separate from parentage candidates: Y-STR haplotypes are
shared by every man of a paternal lineage, so a match never concludes parentage.
Haplotypes are stored as ``int16`` allele×10 per locus copy (``-1`` = not typed); multi-copy
loci such as DYS385a/b are declared with their copy count and given as '11-14' or '11,14'
(sorted, so copy order does not matter).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

MISSING = -1


class HaplotypeError(ValueError):
    """A haplotype value that cannot be parsed; the message names the locus."""


@dataclass
class LineageMatch:
    profile_id: str
    mismatches: int
    steps: float
    loci_compared: int
    mismatching_loci: dict[str, float]


class YHaplotypeIndex:
    """Male-relative Y-STR haplotypes in one int16 matrix; vectorised mismatch counting."""

    def __init__(self, loci: Sequence[str] | Mapping[str, int], initial_capacity: int = 1024) -> None:
        copies = dict(loci) if isinstance(loci, Mapping) else dict.fromkeys(loci, 1)
        self.loci = list(copies)
        self.copies = copies
        self.columns: list[tuple[str, int]] = [(lc, k) for lc in self.loci for k in range(copies[lc])]
        self._data = np.full((initial_capacity, len(self.columns)), MISSING, dtype=np.int16)
        self._alive = np.zeros(initial_capacity, dtype=bool)
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._n = 0

    def __len__(self) -> int:
        return int(self._alive[: self._n].sum())

    def encode(self, haplotype: Mapping[str, object]) -> np.ndarray:
        row = np.full(len(self.columns), MISSING, dtype=np.int16)
        col = 0
        for lc in self.loci:
            k = self.copies[lc]
            raw = haplotype.get(lc)
            values = _parse(raw, lc)
            if values:
                if len(values) != k:
                    raise HaplotypeError(f"locus {lc}: expected {k} allele(s), got {len(values)} in {raw!r}")
                row[col : col + k] = sorted(values)
            col += k
        return row

    def add(self, profile_id: str, haplotype: Mapping[str, object]) -> list[str]:
        """Store a haplotype; returns ids of stored haplotypes identical on every shared locus."""
        if profile_id in self._row:
            raise HaplotypeError(f"haplotype {profile_id} is already stored")
        row = self.encode(haplotype)
        dups = [m.profile_id for m in self._scan(row, 0, min_loci=1) if m.mismatches == 0]
        if self._n >= self._data.shape[0]:
            new = self._data.shape[0] * 2
            data = np.full((new, len(self.columns)), MISSING, dtype=np.int16)
            data[: self._n] = self._data[: self._n]
            alive = np.zeros(new, dtype=bool)
            alive[: self._n] = self._alive[: self._n]
            self._data, self._alive = data, alive
        self._data[self._n] = row
        self._alive[self._n] = True
        self._ids.append(profile_id)
        self._row[profile_id] = self._n
        self._n += 1
        return dups

    def remove(self, profile_id: str) -> None:
        row = self._row.pop(profile_id, None)
        if row is None:
            raise HaplotypeError(f"haplotype {profile_id} is not stored")
        self._alive[row] = False

    def search(
        self, haplotype: Mapping[str, object], max_mismatches: int = 2, min_loci: int = 12
    ) -> list[LineageMatch]:
        """Matches with at most ``max_mismatches`` differing locus copies on ≥ ``min_loci`` shared ones.

        Sorted by (mismatches, steps, most loci compared, id). ``steps`` is the summed repeat difference.
        """
        return self._scan(self.encode(haplotype), max_mismatches, min_loci)

    def _scan(self, q: np.ndarray, max_mismatches: int, min_loci: int) -> list[LineageMatch]:
        n = self._n
        data = self._data[:n]
        both = (data != MISSING) & (q != MISSING)[None, :]
        diff = np.where(both, np.abs(data.astype(np.int32) - q.astype(np.int32)), 0)
        mism = (diff > 0).sum(axis=1)
        compared = both.sum(axis=1)
        hits = np.flatnonzero(self._alive[:n] & (mism <= max_mismatches) & (compared >= min_loci))
        out = []
        for r in hits:
            bad = np.flatnonzero(diff[r] > 0)
            mm: dict[str, float] = {}
            for c in bad:
                lc, k = self.columns[c]
                name = lc if self.copies[lc] == 1 else f"{lc}[{k}]"
                mm[name] = diff[r, c] / 10.0
            out.append(
                LineageMatch(self._ids[r], int(mism[r]), float(diff[r].sum()) / 10.0, int(compared[r]), mm)
            )
        out.sort(key=lambda m: (m.mismatches, m.steps, -m.loci_compared, m.profile_id))
        return out

    def memory_bytes(self) -> int:
        return int(self._data.nbytes + self._alive.nbytes)


def _parse(raw: object, locus: str) -> list[int]:
    if raw is None:
        return []
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        parts = [str(raw)]
    elif isinstance(raw, str):
        text = raw.strip()
        if text in {"", "-", "NA"}:
            return []
        parts = [p for p in text.replace(",", "-").replace("/", "-").split("-") if p.strip()]
    else:
        raise HaplotypeError(f"locus {locus}: value {raw!r} is not a repeat number")
    out = []
    for p in parts:
        try:
            value = float(p)
        except ValueError as exc:
            raise HaplotypeError(f"locus {locus}: value {raw!r} is not a repeat number") from exc
        if value < 0 or value > 3000:
            raise HaplotypeError(f"locus {locus}: value {raw!r} out of range")
        out.append(round(value * 10))
    return out
