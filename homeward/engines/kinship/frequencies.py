"""Allele-frequency tables: loading, validation, minimum-frequency rule and renormalisation.

Every LR in the engine is computed on a *prepared* locus: the table's alleles plus any
observed allele the table lacks (given the minimum frequency), renormalised to sum to 1.
``FrequencyTable.prepare`` is the single place this happens, so the CLI, ``compute_lr`` and
the database index all see identical numbers for identical inputs.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"


class FrequencyError(ValueError):
    """Raised for malformed or unusable frequency data; the message names the locus/allele."""


def allele_sort_key(label: str) -> tuple[int, float, str]:
    """Numeric alleles sort by value (9 < 9.3 < 10); anything else sorts after, by text."""
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def normalise_allele(label: object) -> str:
    """Canonical allele label: '9.30' -> '9.3', '10.0' -> '10', other text unchanged (stripped)."""
    text = str(label).strip()
    try:
        value = float(text)
    except ValueError:
        return text
    if not math.isfinite(value):
        return text
    rounded = round(value, 1)
    if abs(rounded - value) > 1e-9:
        return text
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


@dataclass(frozen=True)
class MinFrequencyRule:
    """Frequency given to alleles that are absent from the table.

    Either a fixed ``value`` or ``k / (2 * sample_size)`` (NRC II uses k = 5).
    """

    value: float | None = None
    k: float = 5.0
    sample_size: int | None = None

    def frequency(self) -> float:
        if self.value is not None:
            return self.value
        if self.sample_size is None or self.sample_size <= 0:
            raise FrequencyError("min-frequency rule k/2N needs a positive sample size N")
        return self.k / (2.0 * self.sample_size)

    @classmethod
    def parse(cls, spec: object, sample_size: int | None = None) -> MinFrequencyRule | None:
        """Accept None, a number, or a string like '5/2N' (N from ``sample_size``)."""
        if spec is None:
            return None
        if isinstance(spec, bool):
            raise FrequencyError(f"min_freq must be a number or 'k/2N', not {spec!r}")
        if isinstance(spec, int | float):
            value = float(spec)
            if not (0.0 < value < 1.0):
                raise FrequencyError(f"min_freq must be in (0, 1), got {spec!r}")
            return cls(value=value)
        if isinstance(spec, str):
            text = spec.replace(" ", "").upper()
            if text.endswith("/2N"):
                try:
                    k = float(text[:-3])
                except ValueError as exc:
                    raise FrequencyError(f"min_freq {spec!r} is not of the form 'k/2N'") from exc
                if k <= 0:
                    raise FrequencyError(f"min_freq {spec!r}: k must be positive")
                rule = cls(k=k, sample_size=sample_size)
                rule.frequency()
                return rule
            try:
                return cls.parse(float(spec))
            except ValueError as exc:
                raise FrequencyError(f"min_freq {spec!r} is not a number or 'k/2N'") from exc
        raise FrequencyError(f"min_freq must be a number or 'k/2N', not {spec!r}")


@dataclass(frozen=True)
class PreparedLocus:
    """One locus ready for computation: allele labels and renormalised frequencies (same order)."""

    locus: str
    alleles: tuple[str, ...]
    freqs: np.ndarray
    added: tuple[str, ...] = ()
    index: Mapping[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.alleles)

    def code(self, allele: str) -> int:
        return self.index[allele]


@dataclass
class FrequencyTable:
    """Allele frequencies per locus for one population, with a name/version for provenance."""

    loci: dict[str, dict[str, float]]
    name: str = "custom"
    version: str = "1"
    sample_size: int | None = None

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Mapping[str, object]],
        name: str = "custom",
        version: str = "1",
        sample_size: int | None = None,
    ) -> FrequencyTable:
        """Validate a ``{locus: {allele: freq}}`` mapping (numbers, range, duplicates after normalising)."""
        if not isinstance(data, Mapping) or not data:
            raise FrequencyError("frequencies must be a non-empty object {locus: {allele: freq}}")
        loci: dict[str, dict[str, float]] = {}
        for locus, table in data.items():
            if not isinstance(table, Mapping) or not table:
                raise FrequencyError(f"locus {locus}: frequencies must be a non-empty object")
            clean: dict[str, float] = {}
            for raw_allele, raw_freq in table.items():
                allele = normalise_allele(raw_allele)
                freq = _as_frequency(raw_freq, f"locus {locus} allele {raw_allele}")
                if allele in clean:
                    raise FrequencyError(f"locus {locus}: allele {raw_allele} is listed twice")
                clean[allele] = freq
            if sum(clean.values()) <= 0:
                raise FrequencyError(f"locus {locus}: frequencies sum to 0")
            loci[str(locus)] = clean
        return cls(loci=loci, name=name, version=version, sample_size=sample_size)

    @classmethod
    def from_csv(
        cls,
        path: str | Path,
        name: str | None = None,
        version: str = "1",
        sample_size: int | None = None,
    ) -> FrequencyTable:
        """Load a ``locus,allele,freq`` CSV; errors name the file line."""
        path = Path(path)
        loci: dict[str, dict[str, float]] = {}
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or [h.strip().lower() for h in header[:3]] != ["locus", "allele", "freq"]:
                raise FrequencyError(f"{path.name} line 1: header must be 'locus,allele,freq'")
            for lineno, row in enumerate(reader, start=2):
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) != 3:
                    raise FrequencyError(f"{path.name} line {lineno}: expected 3 fields, got {len(row)}")
                locus, raw_allele, raw_freq = (cell.strip() for cell in row)
                if not locus or not raw_allele:
                    raise FrequencyError(f"{path.name} line {lineno}: empty locus or allele")
                allele = normalise_allele(raw_allele)
                freq = _as_frequency(
                    raw_freq, f"{path.name} line {lineno} (locus {locus} allele {raw_allele})"
                )
                table = loci.setdefault(locus, {})
                if allele in table:
                    raise FrequencyError(
                        f"{path.name} line {lineno}: duplicate allele {raw_allele} at locus {locus}"
                    )
                table[allele] = freq
        if not loci:
            raise FrequencyError(f"{path.name}: no frequency rows")
        return cls(loci=loci, name=name or path.stem, version=version, sample_size=sample_size)

    @classmethod
    def bundled(cls, name: str) -> FrequencyTable:
        """One of the tables shipped in ``data/`` (``nist1036-asian`` n=97, ``uk-dna17-chinese`` n=203)."""
        sizes = {"nist1036-asian": 97, "uk-dna17-chinese": 203}
        if name not in sizes:
            raise FrequencyError(f"unknown bundled table {name!r}; have {sorted(sizes)}")
        return cls.from_csv(
            DATA_DIR / f"{name}.csv",
            name=name,
            version="2017" if "nist" in name else "2014",
            sample_size=sizes[name],
        )

    def prepare(
        self,
        locus: str,
        observed: Iterable[str] = (),
        min_freq: MinFrequencyRule | None = None,
    ) -> PreparedLocus:
        """Table alleles + unseen observed alleles at the minimum frequency, renormalised to 1."""
        if locus not in self.loci:
            raise FrequencyError(f"locus {locus} is not in frequency table {self.name}")
        table = dict(self.loci[locus])
        added: list[str] = []
        for allele in observed:
            if allele in table:
                continue
            if min_freq is None:
                raise FrequencyError(
                    f"locus {locus}: allele {allele} is not in frequency table {self.name} "
                    "and no min_freq rule is set"
                )
            table[allele] = min_freq.frequency()
            added.append(allele)
        alleles = tuple(sorted(table, key=allele_sort_key))
        freqs = np.array([table[a] for a in alleles], dtype=np.float64)
        freqs = freqs / freqs.sum()
        return PreparedLocus(
            locus=locus,
            alleles=alleles,
            freqs=freqs,
            added=tuple(sorted(added, key=allele_sort_key)),
            index={a: i for i, a in enumerate(alleles)},
        )


def _as_frequency(raw: object, where: str) -> float:
    if isinstance(raw, bool):
        raise FrequencyError(f"{where}: frequency {raw!r} is not a number")
    if isinstance(raw, str):
        try:
            value = float(raw)
        except ValueError as exc:
            raise FrequencyError(f"{where}: frequency {raw!r} is not a number") from exc
    elif isinstance(raw, int | float):
        value = float(raw)
    else:
        raise FrequencyError(f"{where}: frequency {raw!r} is not a number")
    if not math.isfinite(value):
        raise FrequencyError(f"{where}: frequency {raw!r} is not finite")
    if value < 0:
        raise FrequencyError(f"{where}: frequency {raw!r} is negative")
    if value > 1:
        raise FrequencyError(f"{where}: frequency {raw!r} is greater than 1")
    return value
