"""Mutation models with the semantics of the R package pedmut (``mutationMatrix``).

Models: ``equal``, ``proportional``, ``stepwise`` (``rate``, ``rate2``, ``range``), ``onestep``,
and ``none`` (identity, pedmut's "trivial"). Every matrix spans all alleles of the prepared
locus; row i is the distribution of the allele a parent holding allele i transmits.
Male and female matrices are built separately from ``rate_male``/``rate_female``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

MODELS = ("none", "equal", "proportional", "stepwise", "onestep")
_ALIASES = {"trivial": "none", "eq": "equal", "prop": "proportional", "step": "stepwise", "": "none"}


class MutationError(ValueError):
    """Invalid mutation parameters or a model that does not fit the locus' alleles."""


@dataclass(frozen=True)
class MutationSpec:
    """A mutation model specification; ``rate_male``/``rate_female`` default to ``rate``."""

    model: str = "none"
    rate: float | None = None
    rate_male: float | None = None
    rate_female: float | None = None
    rate2: float | None = None
    range: float | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, object] | None) -> MutationSpec:
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise MutationError(f"mutation must be an object, not {data!r}")
        unknown = set(data) - {"model", "rate", "rate_male", "rate_female", "rate2", "range"}
        if unknown:
            raise MutationError(f"unknown mutation field(s): {', '.join(sorted(unknown))}")
        raw_model = str(data.get("model", "none") or "none").strip().lower()
        model = _ALIASES.get(raw_model, raw_model)
        if model not in MODELS:
            raise MutationError(f"unknown mutation model {raw_model!r}; use one of {', '.join(MODELS)}")
        values: dict[str, float | None] = {}
        for key in ("rate", "rate_male", "rate_female", "rate2", "range"):
            raw = data.get(key)
            if raw is None:
                values[key] = None
                continue
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise MutationError(f"mutation {key} must be a number, not {raw!r}")
            values[key] = float(raw)
        spec = cls(model=model, **values)
        spec.validate()
        return spec

    def merged(self, override: Mapping[str, object]) -> MutationSpec:
        """Key-by-key override (used for ``locus_mutation``)."""
        base: dict[str, object] = {
            "model": self.model,
            "rate": self.rate,
            "rate_male": self.rate_male,
            "rate_female": self.rate_female,
            "rate2": self.rate2,
            "range": self.range,
        }
        base.update(dict(override))
        return MutationSpec.from_mapping(base)

    def rate_for(self, sex: str) -> float:
        explicit = self.rate_male if sex == "male" else self.rate_female
        value = explicit if explicit is not None else self.rate
        return 0.0 if value is None else value

    def validate(self) -> None:
        if self.model == "none":
            return
        if self.rate is None and (self.rate_male is None or self.rate_female is None):
            raise MutationError(
                f"mutation model {self.model!r} needs 'rate' (or both rate_male and rate_female)"
            )
        for sex in ("male", "female"):
            rate = self.rate_for(sex)
            if not 0.0 <= rate <= 1.0:
                raise MutationError(f"mutation rate ({sex}) must be in [0, 1], got {rate}")
        if self.model == "stepwise":
            if self.rate2 is None or self.range is None:
                raise MutationError("stepwise mutation model needs 'rate2' and 'range'")
            if self.rate2 < 0:
                raise MutationError(f"mutation rate2 must be non-negative, got {self.rate2}")
            if self.range <= 0:
                raise MutationError(f"mutation range must be positive, got {self.range}")
            for sex in ("male", "female"):
                if self.rate_for(sex) + self.rate2 > 1:
                    raise MutationError("stepwise mutation: rate + rate2 must be at most 1")

    def with_model(self, model: str) -> MutationSpec:
        return replace(self, model=model)

    def is_trivial(self) -> bool:
        return self.model == "none" or (
            self.rate_for("male") == 0.0
            and self.rate_for("female") == 0.0
            and (self.model != "stepwise" or not self.rate2)
        )


def mutation_matrix(
    model: str,
    alleles: Sequence[str],
    freqs: np.ndarray | None = None,
    rate: float = 0.0,
    rate2: float | None = None,
    range_: float | None = None,
) -> np.ndarray:
    """The pedmut ``mutationMatrix`` for one sex (formulas transcribed from pedmut's definition)."""
    nall = len(alleles)
    if nall == 0:
        raise MutationError("no alleles")
    if model == "none" or nall == 1:
        return np.eye(nall)
    if model == "equal":
        mat = np.full((nall, nall), rate / (nall - 1))
        np.fill_diagonal(mat, 1.0 - rate)
        return mat
    if model == "proportional":
        if freqs is None:
            raise MutationError("proportional model needs allele frequencies")
        p = np.asarray(freqs, dtype=np.float64)
        alpha = rate / float(np.sum(p * (1.0 - p)))
        mat = (1.0 - alpha) * np.eye(nall) + alpha * np.broadcast_to(p, (nall, nall))
        if np.any(mat > 1.0 + 1e-12) or np.any(mat < -1e-12):
            raise MutationError("proportional model: impossible mutation matrix; reduce rate")
        return mat
    values = _numeric(alleles, model)
    if model == "stepwise":
        assert rate2 is not None and range_ is not None
        # pedmut groups alleles by their first decimal ("microgroup"); integer alleles are group 0.
        group = np.array([round(v * 10) % 10 for v in values])
        mat = np.zeros((nall, nall))
        for i in range(nall):
            same = group == group[i]
            n_same = int(same.sum())
            if n_same == nall:
                mat[i, i] = 1.0 - rate
            elif n_same == 1:
                mat[i, i] = 1.0 - rate2
            else:
                mat[i, i] = 1.0 - rate - rate2
            others = same.copy()
            others[i] = False
            if others.any():
                weights = range_ ** np.abs(values[others] - values[i])
                mat[i, others] = weights / weights.sum() * rate
            cross = ~same
            if cross.any():
                mat[i, cross] = rate2 / (nall - n_same)
        return mat
    if model == "onestep":
        if np.any(np.round(values) != values):
            raise MutationError(
                "the onestep model requires all alleles to be integers (microvariant present)"
            )
        mat = np.zeros((nall, nall))
        for i in range(nall):
            nei = np.abs(values - values[i]) == 1
            k = int(nei.sum())
            mat[i, i] = 1.0 - rate if k > 0 else 1.0
            if k:
                mat[i, nei] = rate / k
        return mat
    raise MutationError(f"unknown mutation model {model!r}")


def _numeric(alleles: Sequence[str], model: str) -> np.ndarray:
    try:
        values = np.array([float(a) for a in alleles])
    except ValueError as exc:
        raise MutationError(f"the {model} model requires numeric allele names") from exc
    if np.any(np.abs(np.round(values, 1) - values) > 1e-9):
        raise MutationError(f"the {model} model requires microvariants written with one decimal")
    return values


def sex_matrices(spec: MutationSpec, alleles: Sequence[str], freqs: np.ndarray) -> dict[str, np.ndarray]:
    """``{'male': M, 'female': F}`` for one prepared locus."""
    out: dict[str, np.ndarray] = {}
    for sex in ("male", "female"):
        out[sex] = mutation_matrix(
            spec.model, alleles, freqs, rate=spec.rate_for(sex), rate2=spec.rate2, range_=spec.range
        )
    return out
