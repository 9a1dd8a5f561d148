"""The scoring model: comparison fields, their agreement levels, and Fellegi–Sunter weights.

Each field of a candidate pair is compared to one *level* (or is *missing* when either side
lacks the information). Levels are ordered from the strongest disagreement to the strongest
agreement. A level carries a weight, the natural log of the likelihood ratio
``m/u = P(level | same person) / P(level | different people)``; the pair's log-odds is
``intercept + scale * sum(weights)`` and its probability the logistic of that.

Monotonicity, the property reviewers rely on ("more agreeing evidence never lowers the
score"), holds by construction: a missing field weighs 0, the first level of each field (the
disagreement) weighs ≤ 0, all other levels weigh ≥ 0, weights never decrease along a field's
levels, and ``scale > 0``. ``LinkageWeights`` refuses weights that break this, and
``fit_weights`` re-estimates them from reviewed pairs under the same constraints (isotonic
regression of the log ratios, then Platt scaling of the summed weight for calibration).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# field -> levels, weakest agreement first. The first level is the field's disagreement.
FIELDS: dict[str, tuple[str, ...]] = {
    "age": ("edge_of_tolerance", "in_range", "near_estimate_centre", "same_birth_date"),
    "surname": ("disagree", "pinyin", "exact"),
    "given_name": ("disagree", "initials", "one_syllable", "pinyin", "exact"),
    "nickname": ("disagree", "core_pinyin", "exact"),
    "parents": ("disagree", "partial", "one_parent", "both_parents"),
    "place": ("far", "neighbouring", "same_province", "near", "same_county"),
    "found_place": ("far", "same_province", "near"),
    "dialect": ("disagree", "same_group", "exact"),
    "height": ("disagree", "plausible", "close"),
    "marks": ("disagree", "type", "location_and_type", "two_or_more"),
    "memories": ("no_shared_concept", "one_concept", "two_concepts", "three_or_more"),
    # The child's age when missing against what the found person remembers: little is kept from before the
    # age of three, while a child taken at six or older usually remembers a name, a parent or the home.
    "age_when_missing": ("unlikely_for_what_is_remembered", "possible", "consistent_with_what_is_remembered"),
}
FIELD_NAMES = tuple(FIELDS)

# Starting values: the weights ``fit_weights`` estimated on the synthetic evaluation set of
# ``bench/linkage_eval.py --quick`` (seed 7: 300 found people, each with its true report and 30
# random consistent reports), rounded, with levels that pooling had flattened to 0 from too few
# pairs set by judgement (parents "partial", place "neighbouring"/"near", marks "type"). They
# stand in until reviewed pairs exist; re-fit them with ``fit_weights`` on confirmed and
# excluded pairs. Nickname, parents' and dialect disagreement and the calibration were
# re-estimated the same way after the current name stopped being compared with the report's
# 小名 and the parent and dialect readings were fixed, which changed what those levels mean.
# The calibration (intercept, scale) describes a reviewer's queue holding one true pair for
# about 30 consistent candidates.
DEFAULT_LEVEL_WEIGHTS: dict[str, tuple[float, ...]] = {
    "age": (-1.1, 0.4, 0.7, 3.4),
    "surname": (-0.2, 0.7, 2.1),
    "given_name": (-1.0, 0.2, 0.8, 4.2, 5.4),
    "nickname": (-3.7, 2.9, 5.8),
    "parents": (-4.2, 1.5, 5.7, 6.5),
    "place": (-5.0, 0.5, 2.6, 4.0, 6.7),
    "found_place": (0.0, 0.3, 0.4),
    "dialect": (-4.5, 1.7, 3.3),
    "height": (-2.3, 0.0, 0.8),
    "marks": (-3.1, 0.5, 3.4, 6.7),
    "memories": (-2.1, 0.8, 3.7, 6.8),
    "age_when_missing": (-1.5, 0.0, 0.5),
}
DEFAULT_INTERCEPT = -3.8
DEFAULT_SCALE = 0.8


class MonotonicityError(ValueError):
    pass


@dataclass(frozen=True)
class LinkageWeights:
    """Level weights per field plus the calibration ``intercept`` and ``scale``."""

    levels: Mapping[str, tuple[float, ...]]
    intercept: float = DEFAULT_INTERCEPT
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not self.scale > 0:
            raise MonotonicityError("scale must be positive")
        for name, levels in FIELDS.items():
            w = self.levels.get(name)
            if w is None or len(w) != len(levels):
                raise ValueError(f"weights for {name} need {len(levels)} values")
            if w[0] > 0 or any(x < 0 for x in w[1:]):
                raise MonotonicityError(f"{name}: disagreement must weigh <= 0 and agreement >= 0")
            if any(b < a for a, b in itertools.pairwise(w)):
                raise MonotonicityError(f"{name}: weights must not decrease along the levels")

    def table(self, name: str) -> npt.NDArray[np.float64]:
        """Weights indexed by ``level + 1``: index 0 is the missing level (weight 0)."""
        return np.array((0.0, *self.levels[name]), dtype=np.float64)

    def probability(self, total: npt.NDArray[np.float64] | float) -> npt.NDArray[np.float64]:
        z = self.intercept + self.scale * np.asarray(total, dtype=np.float64)
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def to_dict(self) -> dict[str, object]:
        return {"levels": {k: list(v) for k, v in self.levels.items()}, "intercept": self.intercept,
                "scale": self.scale}  # fmt: skip

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> LinkageWeights:
        levels = d["levels"]
        assert isinstance(levels, Mapping)
        # A field added to the model after these weights were fitted weighs nothing until they are re-fitted.
        return cls(
            {
                name: tuple(float(x) for x in levels.get(name, (0.0,) * len(names)))
                for name, names in FIELDS.items()
            },
            float(d.get("intercept", DEFAULT_INTERCEPT)),  # type: ignore[arg-type]
            float(d.get("scale", 1.0)),  # type: ignore[arg-type]
        )


DEFAULT_WEIGHTS = LinkageWeights(DEFAULT_LEVEL_WEIGHTS, DEFAULT_INTERCEPT, DEFAULT_SCALE)


def monotone_log_ratios(
    match_counts: npt.NDArray[np.float64], nonmatch_counts: npt.NDArray[np.float64], smoothing: float = 1.0
) -> tuple[float, ...]:
    """Smoothed ``log(m/u)`` per level made non-decreasing, ≤ 0 at level 0 and ≥ 0 above.

    The isotonic fit is weighted by how many pairs fell in each level, so a rare level cannot
    drag a well-observed one.
    """
    k = len(match_counts)
    m = (match_counts + smoothing) / (match_counts.sum() + smoothing * k)
    u = (nonmatch_counts + smoothing) / (nonmatch_counts.sum() + smoothing * k)
    raw = np.log(m / u)
    weight = match_counts + nonmatch_counts + smoothing
    iso = _pool_adjacent_violators(raw, weight)
    out = [min(float(iso[0]), 0.0)] + [max(float(x), 0.0) for x in iso[1:]]
    return tuple(out)


def _pool_adjacent_violators(y: npt.NDArray[np.float64], w: npt.NDArray[np.float64]) -> list[float]:
    """Weighted least-squares non-decreasing fit (the classic PAV algorithm).

    A handful of levels per field does not justify importing scipy.optimize, whose import
    alone costs more than a whole command-line run on a small file.
    """
    blocks: list[list[float]] = []  # [weighted mean, total weight, count]
    for yi, wi in zip(y.tolist(), w.tolist(), strict=True):
        blocks.append([yi, wi, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    return [b[0] for b in blocks for _ in range(int(b[2]))]


def fit_from_levels(
    levels: Mapping[str, npt.NDArray[np.int64]],
    labels: Sequence[bool] | npt.NDArray[np.bool_],
    smoothing: float = 1.0,
) -> LinkageWeights:
    """Re-estimate the weights from comparison levels (``-1`` = missing) of labelled pairs."""
    y = np.asarray(labels, dtype=bool)
    if y.all() or not y.any():
        raise ValueError("fitting needs both confirmed (True) and excluded (False) pairs")
    fitted: dict[str, tuple[float, ...]] = {}
    for name, names in FIELDS.items():
        lv = np.asarray(levels[name])
        k = len(names)
        mc = np.bincount(lv[y & (lv >= 0)], minlength=k).astype(np.float64)
        uc = np.bincount(lv[~y & (lv >= 0)], minlength=k).astype(np.float64)
        fitted[name] = monotone_log_ratios(mc, uc, smoothing)
    total = np.zeros(len(y))
    for name in FIELDS:
        total += np.array((0.0, *fitted[name]))[np.asarray(levels[name]) + 1]
    intercept, scale = _platt(total, y)
    return LinkageWeights(fitted, intercept, scale)


def _platt(x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]) -> tuple[float, float]:
    """Logistic regression of the label on the summed weight: ``P = logistic(a + b x)``.

    Newton's method on the two parameters with a weak ridge on ``b`` (keeps it finite when the
    labels are separable); two parameters do not justify importing scikit-learn.
    """
    t = y.astype(np.float64)
    X = np.column_stack([np.ones_like(x), x])
    beta = np.array([math.log((t.mean() + 1e-9) / (1 - t.mean() + 1e-9)), 0.0])
    ridge = np.diag([0.0, 1e-2])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(X @ beta)))
        grad = X.T @ (t - p) - ridge @ beta
        hess = X.T @ (X * (p * (1 - p))[:, None]) + ridge
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    intercept, scale = float(beta[0]), float(beta[1])
    if not scale > 0 or not math.isfinite(scale):
        # The summed weight does not separate the labels: keep the FS log-odds as they are,
        # with the intercept set to the observed base rate.
        rate = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
        return math.log(rate / (1 - rate)), 1.0
    return intercept, scale
