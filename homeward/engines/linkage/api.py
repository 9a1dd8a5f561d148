"""Pair-level entry points: score one pair, re-estimate the weights from reviewed pairs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .engine import MatchIndex, Score
from .model import DEFAULT_WEIGHTS, FIELD_NAMES, LinkageWeights, fit_from_levels
from .places import Gazetteer
from .records import FoundRecord, MissingRecord


def score_pair(
    missing: MissingRecord,
    found: FoundRecord,
    weights: LinkageWeights = DEFAULT_WEIGHTS,
    gazetteer: Gazetteer | None = None,
) -> Score:
    """The calibrated score of one pair with its reasons; ``conflicts`` lists broken hard rules."""
    index = MatchIndex(weights, gazetteer)
    index.add(missing)
    return index.score(missing.id, found)


def comparison_levels(
    pairs: Sequence[tuple[MissingRecord, FoundRecord]], gazetteer: Gazetteer | None = None
) -> dict[str, np.ndarray]:
    """Level of every field for every pair (``-1`` = missing), one array per field."""
    index = MatchIndex(DEFAULT_WEIGHTS, gazetteer)
    index.add_many({m.id: m for m, _ in pairs}.values())
    out = {name: np.full(len(pairs), -1, dtype=np.int64) for name in FIELD_NAMES}
    # One vectorised comparison per found person rather than one per pair.
    by_found: dict[int, tuple[FoundRecord, list[int]]] = {}
    for i, (_, f) in enumerate(pairs):
        by_found.setdefault(id(f), (f, []))[1].append(i)
    for f, positions in by_found.values():
        levels = index.levels([pairs[i][0].id for i in positions], f)
        for name in FIELD_NAMES:
            out[name][positions] = levels[name]
    return out


def fit_weights(
    pairs: Sequence[tuple[MissingRecord, FoundRecord]],
    labels: Sequence[bool],
    gazetteer: Gazetteer | None = None,
    smoothing: float = 1.0,
) -> LinkageWeights:
    """Re-estimate the weights from reviewed pairs: True = confirmed, False = excluded.

    Per field and level, ``log(m/u)`` is estimated from the confirmed and excluded pairs
    (add-``smoothing`` counts), made monotone (see ``model``), and the summed weight is
    calibrated to a probability by logistic (Platt) scaling. The excluded pairs should be
    the kind of pairs the engine proposes (candidates that passed the hard rules), so the
    calibration describes the candidates a reviewer sees.
    """
    if len(pairs) != len(labels):
        raise ValueError("pairs and labels differ in length")
    return fit_from_levels(comparison_levels(pairs, gazetteer), labels, smoothing)


# Fields a record can fill, with the comparison field each feeds.
_MISSING_FIELDS = {
    "birth_date": "age", "name": "given_name", "nicknames": "nickname", "father_name": "parents",
    "mother_name": "parents", "missing_division": "place", "height_cm": "height", "marks": "marks",
    "dialect": "dialect", "circumstances": "memories",
}  # fmt: skip
_FOUND_FIELDS = {
    "age_min": "age", "name": "given_name", "remembered_names": "nickname", "remembered_parents": "parents",
    "remembered_places": "place", "found_division": "found_place", "height_cm": "height", "marks": "marks",
    "dialect": "dialect", "memories": "memories",
}  # fmt: skip


def completeness(
    record: MissingRecord | FoundRecord, weights: LinkageWeights = DEFAULT_WEIGHTS
) -> tuple[float, list[str]]:
    """Share (0..1) of the attainable evidence a record provides, and the empty fields, most useful first.

    Each fillable field counts with the strongest weight its comparison can reach, so a
    missing parent's name costs more than a missing dialect.
    """
    table = _MISSING_FIELDS if isinstance(record, MissingRecord) else _FOUND_FIELDS
    worth = {f: max(weights.levels[c]) for f, c in table.items()}
    filled_birth = isinstance(record, MissingRecord) and record.birth_year is not None
    empty = [f for f in table if not getattr(record, f) and not (f == "birth_date" and filled_birth)]
    if isinstance(record, MissingRecord) and not record.missing_division and record.missing_lat is not None:
        empty.remove("missing_division")
    total = sum(worth.values())
    score = 1.0 - sum(worth[f] for f in empty) / total
    return score, sorted(empty, key=lambda f: -worth[f])
