"""The matching index: missing reports in numpy columns, blocked by sex and birth year.

``MatchIndex`` holds encoded missing-person reports. A found person is matched in three steps:

1. **Blocking.** Only blocks (sex, birth year) that the found person's sex and estimated age
   allow are read; reports with unknown sex or birth year sit in their own blocks and are
   always read.
2. **Hard consistency.** Sex, found-after-missing and age (the missing child's birth year
   must fall inside the found person's implied birth-year range widened by a tolerance)
   remove pairs outright; pairs a reviewer excluded never come back.
3. **Scored evidence.** Every field of ``model.FIELDS`` is compared for all remaining
   candidates at once with array operations, weighted, and summed to a log-odds; the top
   candidates get their probability and the reasons (level and weight of every field).

Records are encoded once on ``add`` (pinyin, nickname cores, resolved places, mark codes,
concept bits), so matching touches only integers and floats. ``add`` and ``remove`` are
incremental; re-adding an id replaces the earlier report.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from homeward.refdata.geo import haversine_km

from . import descriptors as D
from .growth import median_height
from .model import DEFAULT_WEIGHTS, FIELD_NAMES, FIELDS, LinkageWeights
from .names import NameParts, fold, nickname_core, parent_readings, parse_name, parse_parent
from .places import (
    LEVEL_COUNTY,
    LEVEL_NONE,
    LEVEL_PREFECTURE,
    LEVEL_PROVINCE,
    Gazetteer,
    Located,
    default_gazetteer,
)
from .records import FoundRecord, MissingRecord

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_ABSENT = -2  # id of a found-side value that no report has; never equal to a stored id
_SEX = {"M": 1, "F": 2}
_N_SYL, _N_NICK, _N_PAR, _N_MARK = 3, 3, 2, 4
_DAYS_PER_YEAR = 365.2425

# column name -> (dtype, width (0 = scalar), fill)
_COLUMNS: dict[str, tuple[Any, int, Any]] = {
    "sex": (np.int8, 0, 0),
    "by": (np.int16, 0, -1),
    "bdate": (np.int32, 0, -1),
    "mdate": (np.int32, 0, -1),
    "age_m": (np.float32, 0, np.nan),
    "sur_han": (np.int32, 0, -1),
    "sur_py": (np.int32, 0, -1),
    "giv_han": (np.int32, 0, -1),
    "giv_py": (np.int32, 0, -1),
    "giv_init": (np.int32, 0, -1),
    "giv_syl": (np.int32, _N_SYL, -1),
    "nick_han": (np.int32, _N_NICK, -1),
    "nick_core": (np.int32, _N_NICK, -1),
    "par_full": (np.int32, _N_PAR, -1),
    "par_sur": (np.int32, _N_PAR, -1),
    "par_giv": (np.int32, _N_PAR, -1),
    "par_syl": (np.int32, _N_PAR * _N_SYL, -1),
    "pl_level": (np.int8, 0, LEVEL_NONE),
    "pl_prov": (np.int16, 0, -1),
    "pl_pref": (np.int32, 0, -1),
    "pl_cty": (np.int32, 0, -1),
    "pl_lat": (np.float64, 0, np.nan),
    "pl_lon": (np.float64, 0, np.nan),
    "dia_text": (np.int32, 0, -1),
    "dia_group": (np.int8, 0, -1),
    "height": (np.float32, 0, np.nan),
    # height when missing / median height at that age and sex: the child's centile, kept
    # while growing (see growth.py); NaN without a height or an age at the time
    "h_ratio": (np.float64, 0, np.nan),
    "mk_loc": (np.int8, _N_MARK, -1),
    "mk_type": (np.int8, _N_MARK, -1),
    "mk_side": (np.int8, _N_MARK, 0),
    "mem": (np.uint64, 0, 0),
}


@dataclass(frozen=True)
class Reason:
    """Why one field moved the score: its level (``"missing"`` when not comparable) and weight."""

    level: str
    weight: float
    detail: str = ""

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {"level": self.level, "weight": round(self.weight, 3)}
        if self.detail:
            d["detail"] = self.detail
        return d


@dataclass(frozen=True)
class Score:
    """A calibrated, probability-like score with one reason per compared field.

    ``conflicts`` names the hard rules the pair breaks (then ``probability`` is 0).
    """

    probability: float
    log_odds: float
    reasons: dict[str, Reason]
    conflicts: tuple[str, ...] = ()

    @property
    def consistent(self) -> bool:
        return not self.conflicts


@dataclass(frozen=True)
class Candidate:
    missing_id: str
    score: Score


@dataclass
class _Variant:
    """One name a found person goes by or remembers, as ids in the index vocabulary."""

    sur_han: int
    sur_py: int
    giv_han: int
    giv_py: int
    giv_init: int
    syls: list[int]
    text: int
    core: int
    has_surname: bool
    says_nickname: bool = True  # False: not compared with the report's 小名 (see ``_query``)


@dataclass
class _Query:
    sex: int
    fdate: int
    fyear: int | None
    by_range: tuple[float, float] | None  # implied birth-year range (inclusive)
    tol: float
    bdate: int
    variants: list[_Variant]
    parents: list[
        tuple[int, int | None, int, list[int]]
    ]  # full, surname py (None: no surname), given py, syllables
    places: list[Located]
    found_place: Located | None
    dia_text: int
    dia_group: int
    height: float
    marks: list[D.Mark]
    mem: int
    # the found person remembers a name, a parent or something of home (a province alone can be learnt later)
    remembers: bool = False
    excluded: set[str] = field(default_factory=set)


def _ordinal(d: date | None) -> int:
    return d.toordinal() if d else -1


Rows = slice | IntArray


def _kth_largest(values: FloatArray, k: int) -> float:
    """The ``k``-th largest of ``values`` (``1 <= k <= len(values)``).

    The ``k``-th largest of any subset is a lower bound of the answer, so a strided sample
    first cuts the array down to the few values at or above that bound; the exact selection
    then runs on those alone.
    """
    step = len(values) // (64 * k)
    if step >= 2:
        sample = values[::step]
        bound = np.partition(sample, len(sample) - k)[len(sample) - k]
        values = values[values >= bound]
    return float(np.partition(values, len(values) - k)[len(values) - k])


class _Levels(dict[str, IntArray]):
    """Comparison level of each field for the selected rows (``-1`` = missing).

    ``adjust`` holds, per field, the few rows whose weight differs from their level's weight
    (term-frequency adjustment: rows and the weight to add).
    """

    def __init__(self, absent: IntArray) -> None:
        super().__init__()
        self.absent = absent
        self.adjust: dict[str, tuple[IntArray, FloatArray]] = {}


_TF_CAP = 3.0  # largest term-frequency adjustment either way (natural log units)
_TF_MIN_REPORTS = 200  # below this many values, frequencies say too little to adjust


class _ValueFrequencies:
    """How many live reports hold each value of one column (term frequencies).

    Agreeing on a rare given name is stronger evidence than agreeing on a common one: the
    chance that two different people share the value ``v`` is its frequency ``p_v``, against
    ``sum(p^2)`` for a value drawn at random, so the level's weight is adjusted by
    ``log(sum(p^2) / p_v)`` (the Fellegi–Sunter term-frequency adjustment, as in splink).
    """

    def __init__(self) -> None:
        self.count: dict[int, int] = {}
        self.total = 0
        self.sum_sq = 0

    def add(self, v: int) -> None:
        if v >= 0:
            c = self.count.get(v, 0)
            self.count[v] = c + 1
            self.total += 1
            self.sum_sq += 2 * c + 1

    def drop(self, v: int) -> None:
        c = self.count.get(v, 0)
        if v >= 0 and c > 0:
            self.count[v] = c - 1
            self.total -= 1
            self.sum_sq -= 2 * c - 1

    def adjustment(self, v: int) -> float:
        c = self.count.get(v, 0)
        if c <= 0 or self.total < _TF_MIN_REPORTS:
            return 0.0
        ratio = (self.sum_sq / self.total) / c  # = sum(p^2) / p_v
        return max(-_TF_CAP, min(_TF_CAP, math.log(ratio)))


_KEY_SEX = 10_000  # block key = sex * _KEY_SEX + birth year + 1 (0 = unknown year)


class _Selected:
    """The columns of a selection of rows, fetched once each.

    A slice of the sorted part is a view (no copy); an index array is gathered with
    ``np.take``, which is several times faster than fancy indexing on two-dimensional columns.
    """

    def __init__(self, cols: dict[str, np.ndarray], rows: Rows) -> None:
        self._cols = cols
        self.rows = rows
        self._cache: dict[str, np.ndarray] = {}
        self.n = (rows.stop - rows.start) if isinstance(rows, slice) else len(rows)

    def __getitem__(self, name: str) -> np.ndarray:
        v = self._cache.get(name)
        if v is None:
            col = self._cols[name]
            v = col[self.rows] if isinstance(self.rows, slice) else np.take(col, self.rows, axis=0)
            self._cache[name] = v
        return v

    def row_numbers(self) -> IntArray:
        if isinstance(self.rows, slice):
            return np.arange(self.rows.start, self.rows.stop, dtype=np.int64)
        return self.rows


class MatchIndex:
    """Missing-person reports indexed for matching found people (see module docstring)."""

    def __init__(
        self,
        weights: LinkageWeights = DEFAULT_WEIGHTS,
        gazetteer: Gazetteer | None = None,
        *,
        age_tolerance: float = 2.0,
        age_tolerance_fraction: float = 0.1,
    ) -> None:
        self._tables: dict[str, FloatArray] = {}
        self.weights = weights
        self.gazetteer = gazetteer if gazetteer is not None else default_gazetteer()
        self.age_tolerance = age_tolerance
        self.age_tolerance_fraction = age_tolerance_fraction
        self._vocab: dict[str, int] = {}
        self._n = 0
        self._cap = 0
        self._cols: dict[str, np.ndarray] = {}
        self._alive = np.zeros(0, dtype=bool)
        self._ids: list[str] = []
        self._row_of: dict[str, int] = {}
        # Rows [0, _sorted_n) are sorted by block key (_keys); later rows form an unsorted tail
        # found through _blocks until the next compaction.
        self._sorted_n = 0
        self._keys = np.zeros(0, dtype=np.int64)
        self._blocks: dict[tuple[int, int], list[int]] = {}
        self._block_arrays: dict[tuple[int, int], IntArray] = {}
        self.compact_threshold = 20_000
        self._excluded: set[tuple[str, str]] = set()
        self._freq = {"giv_han": _ValueFrequencies(), "giv_py": _ValueFrequencies()}
        self._grow(1024)

    @property
    def weights(self) -> LinkageWeights:
        return self._weights

    @weights.setter
    def weights(self, weights: LinkageWeights) -> None:
        self._weights = weights
        # Weight of each level indexed by the level itself; the missing level -1 reads the
        # trailing 0 (negative indices count from the end).
        self._tables = {name: np.array((*weights.levels[name], 0.0)) for name in FIELD_NAMES}

    # -- storage -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, missing_id: object) -> bool:
        return missing_id in self._row_of

    def _grow(self, need: int) -> None:
        if need <= self._cap:
            return
        cap = max(need, 2 * self._cap)
        for name, (dtype, width, fill) in _COLUMNS.items():
            shape = (cap, width) if width else (cap,)
            new = np.full(shape, fill, dtype=dtype)
            if name in self._cols:
                new[: self._n] = self._cols[name][: self._n]
            self._cols[name] = new
        alive = np.zeros(cap, dtype=bool)
        alive[: self._n] = self._alive[: self._n]
        self._alive = alive
        self._cap = cap

    def _id(self, text: str | None) -> int:
        if not text:
            return -1
        v = self._vocab.get(text)
        if v is None:
            v = self._vocab[text] = len(self._vocab)
        return v

    def _lookup(self, text: str | None) -> int:
        if not text:
            return _ABSENT
        return self._vocab.get(text, _ABSENT)

    def add(self, record: MissingRecord) -> None:
        """Index one report (replacing an earlier one with the same id)."""
        self.add_many([record])

    def add_many(self, records: Iterable[MissingRecord]) -> None:
        """Index many reports at once (much faster than repeated ``add``)."""
        # Encoding allocates many small objects that never form cycles; with a large heap the
        # cyclic collector would otherwise spend more time scanning than the encoding takes.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            rows = [self._encode(r) for r in records]
        finally:
            if was_enabled:
                gc.enable()
        if not rows:
            return
        for rec_id, _ in rows:
            if rec_id in self._row_of:
                self.remove(rec_id)
        start = self._n
        self._grow(start + len(rows))
        for name, (_dtype, width, _fill) in _COLUMNS.items():
            values = [enc.get(name) for _, enc in rows]
            col = self._cols[name]
            if width:
                for i, v in enumerate(values):
                    if v:
                        col[start + i, : len(v)] = v[:width]
            elif any(v is not None for v in values):
                for i, v in enumerate(values):
                    if v is not None:
                        col[start + i] = v
        for i, (rec_id, enc) in enumerate(rows):
            row = start + i
            for name, freq in self._freq.items():
                freq.add(enc.get(name, -1))
            self._ids.append(rec_id)
            self._row_of[rec_id] = row
            key = (int(enc.get("sex", 0)), int(enc.get("by", -1)))
            self._blocks.setdefault(key, []).append(row)
            self._block_arrays.pop(key, None)
        new = slice(start, start + len(rows))
        self._cols["h_ratio"][new] = self._cols["height"][new] / median_height(
            self._cols["age_m"][new], self._cols["sex"][new]
        )
        self._alive[new] = True
        self._n = start + len(rows)
        if self._n - self._sorted_n > max(self.compact_threshold, self._sorted_n // 4):
            self.compact()

    def compact(self) -> None:
        """Sort live rows by block so that a query reads contiguous slices (views, no copies)."""
        live = np.flatnonzero(self._alive[: self._n])
        key = (
            self._cols["sex"][live].astype(np.int64) * _KEY_SEX + self._cols["by"][live].astype(np.int64) + 1
        )
        perm = np.argsort(key, kind="stable")
        order = live[perm]
        m = len(order)
        for name, (_dtype, _width, fill) in _COLUMNS.items():
            col = self._cols[name]
            col[:m] = np.take(col, order, axis=0)
            col[m : self._n] = fill
        self._ids = [self._ids[i] for i in order]
        self._row_of = {rec_id: i for i, rec_id in enumerate(self._ids)}
        self._alive[:] = False
        self._alive[:m] = True
        self._n = self._sorted_n = m
        self._keys = key[perm]
        self._blocks.clear()
        self._block_arrays.clear()

    def remove(self, missing_id: str) -> bool:
        """Drop a report (closed, withdrawn or about to be replaced). True if it was there."""
        row = self._row_of.pop(missing_id, None)
        if row is None:
            return False
        self._alive[row] = False
        for name, freq in self._freq.items():
            freq.drop(int(self._cols[name][row]))
        return True

    def exclude(self, missing_id: str, found_id: str) -> None:
        """Remember a reviewer's exclusion: this pair is never proposed again."""
        self._excluded.add((missing_id, found_id))

    # -- encoding ----------------------------------------------------------------------------

    def _locate(
        self, code: str | None, year: int | None, lat: float | None, lon: float | None
    ) -> Located | None:
        loc = self.gazetteer.locate(code, year) if code else None
        if loc is None:
            if lat is None or lon is None:
                return None
            return Located(None, LEVEL_NONE, lat, lon)
        return loc.with_point(lat, lon)

    def _encode(self, r: MissingRecord) -> tuple[str, dict[str, Any]]:
        e: dict[str, Any] = {}
        e["sex"] = _SEX.get(r.sex or "", 0)
        by = r.year_of_birth
        if by is not None:
            e["by"] = by
        if r.birth_date:
            e["bdate"] = r.birth_date.toordinal()
        if r.missing_date:
            e["mdate"] = r.missing_date.toordinal()
            if r.birth_date:
                e["age_m"] = (r.missing_date - r.birth_date).days / _DAYS_PER_YEAR
            elif by is not None:
                e["age_m"] = r.missing_date.year - by
        p = parse_name(r.name) if r.name else None
        if p is not None and not p.is_nickname:
            e["sur_han"] = self._id(p.surname)
            e["sur_py"] = self._id(p.surname_pinyin)
            e["giv_han"] = self._id(p.given)
            e["giv_py"] = self._id(p.given_pinyin)
            e["giv_init"] = self._id(p.given_initials)
            e["giv_syl"] = [self._id(s) for s in dict.fromkeys(p.given_syllables)]
        elif p is not None:
            e["giv_syl"] = [self._id(s) for s in nickname_core(p.text).split()]
        nicks = [fold(n) for n in r.nicknames]
        nicks = [n for n in dict.fromkeys(nicks) if n]
        if nicks:
            e["nick_han"] = [self._id(n) for n in nicks]
            e["nick_core"] = [self._id(nickname_core(n)) for n in nicks]
        fulls, surs, givs, syls = [-1, -1], [-1, -1], [-1, -1], [-1] * (_N_PAR * _N_SYL)
        for k, parent in enumerate((r.father_name, r.mother_name)):
            pp = parse_parent(parent) if parent else None
            if pp is None:
                continue
            fulls[k] = self._id(pp.text)
            surs[k] = self._id(pp.surname_pinyin)
            givs[k] = self._id(pp.given_pinyin)
            for j, s in enumerate(list(dict.fromkeys(pp.given_syllables))[:_N_SYL]):
                syls[k * _N_SYL + j] = self._id(s)
        if fulls != [-1, -1]:
            e["par_full"], e["par_sur"], e["par_giv"], e["par_syl"] = fulls, surs, givs, syls
        year = r.missing_date.year if r.missing_date else None
        loc = self._locate(r.missing_division, year, r.missing_lat, r.missing_lon)
        if loc is not None:
            e["pl_level"], e["pl_prov"], e["pl_pref"], e["pl_cty"] = (
                loc.level,
                loc.province,
                loc.prefecture,
                loc.county,
            )
            e["pl_lat"], e["pl_lon"] = loc.lat, loc.lon
        if r.dialect:
            e["dia_text"] = self._id(fold(r.dialect) or r.dialect)
            g = D.dialect_group(r.dialect)
            if g is not None:
                e["dia_group"] = D.DIALECT_GROUPS.index(g)
        elif loc is not None and loc.code:
            g = D.PROVINCE_DIALECT.get(loc.code[:2])
            if g is not None:
                e["dia_group"] = D.DIALECT_GROUPS.index(g)
        if r.height_cm is not None:
            e["height"] = r.height_cm
        marks = D.parse_marks(list(r.marks))[:_N_MARK]
        if marks:
            e["mk_loc"] = [m.location for m in marks]
            e["mk_type"] = [m.kind for m in marks]
            e["mk_side"] = [m.side for m in marks]
        if r.circumstances:
            e["mem"] = D.concept_bits([r.circumstances])
        return r.id, e

    def _variant(self, p: NameParts) -> _Variant:
        if p.is_nickname:
            core = nickname_core(p.text)
            return _Variant(
                _ABSENT, _ABSENT, _ABSENT, _ABSENT, _ABSENT,
                [self._lookup(s) for s in core.split()], self._lookup(p.text), self._lookup(core), False,
            )  # fmt: skip
        return _Variant(
            self._lookup(p.surname),
            self._lookup(p.surname_pinyin),
            self._lookup(p.given),
            self._lookup(p.given_pinyin),
            self._lookup(p.given_initials),
            [self._lookup(s) for s in p.given_syllables],
            self._lookup(p.given),
            self._lookup(p.core),
            bool(p.surname),
        )

    def _query(self, f: FoundRecord, excluded: Collection[tuple[str, str]] | None) -> _Query:
        fyear = f.found_date.year if f.found_date else None
        by_range: tuple[float, float] | None = None
        tol = 0.0
        if f.birth_date is not None:
            by_range = (f.birth_date.year, f.birth_date.year)
            tol = self.age_tolerance / 2
        elif (f.age_min is not None or f.age_max is not None) and fyear is not None:
            lo_age = f.age_min if f.age_min is not None else f.age_max
            hi_age = f.age_max if f.age_max is not None else f.age_min
            assert lo_age is not None and hi_age is not None
            # Someone aged a (whole years) on a day of year Y was born in Y-a-1 or Y-a.
            by_range = (fyear - math.floor(hi_age) - 1, fyear - math.floor(lo_age))
            tol = self.age_tolerance + self.age_tolerance_fraction * hi_age
        variants: list[_Variant] = []
        for k, raw in enumerate((f.name, *f.remembered_names)):
            p = parse_name(raw) if raw else None
            if p is not None:
                v = self._variant(p)
                if k == 0 and not p.is_nickname:
                    # The name a found person goes by now was mostly given by others; its given
                    # name is compared with the report's (given_name), but not a second time
                    # with the report's 小名, which parents usually derive from the given name
                    # (明明 for 陈明明): one coincidence would count twice.
                    v.says_nickname = False
                variants.append(v)
        parents = []
        for raw in f.remembered_parents:
            for pp in parent_readings(raw):
                parents.append(
                    (self._lookup(pp.text), self._lookup(pp.surname_pinyin) if pp.surname else None,
                     self._lookup(pp.given_pinyin), [self._lookup(s) for s in pp.given_syllables])
                )  # fmt: skip
        places: list[Located] = []
        for pl in f.remembered_places:
            loc = (
                self._locate(pl.division, pl.year, pl.lat, pl.lon)
                if pl.division or pl.lat is not None
                else None
            )
            if loc is not None:
                places.append(loc)
            elif pl.name:
                places.extend(self.gazetteer.locate_name(pl.name)[:5])
        found_place = self._locate(f.found_division, fyear, f.found_lat, f.found_lon)
        group = D.dialect_group(f.dialect) if f.dialect else None
        ex = {m for m, fid in self._excluded if fid == f.id}
        if excluded:
            ex |= {m for m, fid in excluded if fid == f.id}
        return _Query(
            sex=_SEX.get(f.sex or "", 0),
            fdate=_ordinal(f.found_date),
            fyear=fyear,
            by_range=by_range,
            tol=tol,
            bdate=_ordinal(f.birth_date),
            variants=variants,
            parents=parents,
            places=places,
            found_place=found_place,
            dia_text=self._lookup(fold(f.dialect) or f.dialect) if f.dialect else _ABSENT,
            dia_group=D.DIALECT_GROUPS.index(group) if group else -1,
            height=f.height_cm if f.height_cm is not None else math.nan,
            marks=D.parse_marks(list(f.marks)),
            mem=D.concept_bits([f.memories]) if f.memories else 0,
            remembers=bool(f.remembered_names or f.remembered_parents or (f.memories or "").strip()),
            excluded=ex,
        )

    # -- blocking ----------------------------------------------------------------------------

    def _block(self, key: tuple[int, int]) -> IntArray | None:
        arr = self._block_arrays.get(key)
        if arr is None:
            rows = self._blocks.get(key)
            if not rows:
                return None
            arr = self._block_arrays[key] = np.asarray(rows, dtype=np.int64)
        return arr

    def _segments(self, q: _Query) -> list[Rows]:
        """Row selections holding every report the query's blocks allow (dead rows included)."""
        sexes = (0, q.sex) if q.sex else (0, 1, 2)
        if q.by_range is not None:
            lo, hi = math.floor(q.by_range[0] - q.tol), math.ceil(q.by_range[1] + q.tol)
        else:
            lo, hi = 0, (q.fyear if q.fyear is not None else _KEY_SEX - 2)
        segs: list[Rows] = []
        for s in sexes:
            for a, b in ((s * _KEY_SEX, s * _KEY_SEX), (s * _KEY_SEX + lo + 1, s * _KEY_SEX + hi + 1)):
                i = int(np.searchsorted(self._keys, a, "left"))
                j = int(np.searchsorted(self._keys, b, "right"))
                if j > i:
                    segs.append(slice(i, j))
        if self._blocks:
            keys = [(s, y) for s in sexes for y in (-1, *range(max(lo, 0), hi + 1))] if hi - lo < 200 else [
                k for k in self._blocks if k[0] in sexes and (k[1] == -1 or lo <= k[1] <= hi)
            ]  # fmt: skip
            parts = [a for a in (self._block(k) for k in keys) if a is not None]
            if parts:
                segs.append(np.concatenate(parts))
        return segs

    # -- comparison --------------------------------------------------------------------------

    def _hard(
        self, q: _Query, c: _Selected
    ) -> tuple[npt.NDArray[np.bool_], dict[str, npt.NDArray[np.bool_]]]:
        conflicts: dict[str, npt.NDArray[np.bool_]] = {}
        if q.sex:
            sex = c["sex"]
            conflicts["sex"] = (sex != 0) & (sex != q.sex)
        if q.fdate >= 0:
            md = c["mdate"]
            conflicts["found_before_missing"] = md > q.fdate
        by = c["by"]
        known = by >= 0
        if q.by_range is not None:
            lo, hi = q.by_range[0] - q.tol, q.by_range[1] + q.tol
            conflicts["age"] = known & ((by < lo) | (by > hi))
        elif q.fyear is not None:
            conflicts["age"] = known & (by > q.fyear)
        ok = self._alive[c.rows].copy() if isinstance(c.rows, slice) else np.take(self._alive, c.rows)
        for v in conflicts.values():
            ok &= ~v
        if q.excluded:
            ex_rows = [self._row_of[m] for m in q.excluded if m in self._row_of]
            conflicts["excluded_by_reviewer"] = np.isin(c.row_numbers(), ex_rows)
            ok &= ~conflicts["excluded_by_reviewer"]
        return ok, conflicts

    def _levels(self, q: _Query, c: _Selected) -> _Levels:
        n = c.n
        # Fields the found person says nothing about share one read-only array, which
        # ``_totals`` recognises and skips (they weigh 0).
        absent = np.full(n, -1, dtype=np.int8)
        absent.flags.writeable = False
        L = _Levels(absent)

        def miss() -> IntArray:
            return absent

        # age
        by = c["by"]  # int16; -1 = unknown
        if q.by_range is not None:
            lv = ((by >= q.by_range[0]) & (by <= q.by_range[1])).view(np.int8)
            # An estimate errs about equally both ways, so the centre is the likeliest birth year;
            # birth years are whole, so |by - centre| <= 1 is an integer interval.
            centre = (q.by_range[0] + q.by_range[1]) / 2
            near = (by >= math.ceil(centre - 1.0)) & (by <= math.floor(centre + 1.0))
            lv = np.where(near, np.int8(2), lv)
            if q.bdate >= 0:
                lv = np.where(c["bdate"] == q.bdate, np.int8(3), lv)
            L["age"] = np.where(by >= 0, lv, np.int8(-1))
        else:
            L["age"] = miss()

        # names
        sur_lv, giv_lv, nick_lv = miss(), miss(), miss()
        if q.variants:
            sur_h, sur_p = c["sur_han"], c["sur_py"]
            giv_h, giv_p, giv_i = c["giv_han"], c["giv_py"], c["giv_init"]
            giv_s = c["giv_syl"]
            nick_h, nick_c = c["nick_han"], c["nick_core"]
            has_sur, has_syl, has_nick = sur_h >= 0, giv_s[:, 0] >= 0, nick_h[:, 0] >= 0
            any_sur = any(v.has_surname for v in q.variants)
            s_best = np.zeros(n, dtype=np.int8)
            g_best = np.zeros(n, dtype=np.int8)
            k_best = np.zeros(n, dtype=np.int8)
            # An id that no report uses (_ABSENT) can match nothing, so its comparison is skipped;
            # a buyer-given name usually shares nothing with any report.
            for v in q.variants:
                if v.has_surname and v.sur_py != _ABSENT:
                    np.maximum(s_best, (sur_p == v.sur_py).view(np.int8) + (sur_h == v.sur_han), out=s_best)
                if v.giv_init != _ABSENT:
                    np.maximum(g_best, (giv_i == v.giv_init).view(np.int8), out=g_best)
                for syl in dict.fromkeys(x for x in v.syls if x != _ABSENT):
                    hit = (giv_s[:, 0] == syl) | (giv_s[:, 1] == syl) | (giv_s[:, 2] == syl)
                    np.maximum(g_best, hit.view(np.int8) * np.int8(2), out=g_best)
                if v.giv_py != _ABSENT:
                    np.maximum(g_best, (giv_p == v.giv_py).view(np.int8) * np.int8(3), out=g_best)
                    if v.giv_han != _ABSENT:
                        np.maximum(g_best, (giv_h == v.giv_han).view(np.int8) * np.int8(4), out=g_best)
                if v.says_nickname and v.core != _ABSENT:
                    hit = (nick_c[:, 0] == v.core) | (nick_c[:, 1] == v.core) | (nick_c[:, 2] == v.core)
                    if v.text != _ABSENT:
                        exact = (nick_h[:, 0] == v.text) | (nick_h[:, 1] == v.text) | (nick_h[:, 2] == v.text)
                        hit = hit.view(np.int8) + exact
                    np.maximum(k_best, hit, out=k_best)
            if any_sur:
                sur_lv = np.where(has_sur, s_best, -1)
            giv_lv = np.where(has_syl, g_best, -1)
            if any(v.says_nickname for v in q.variants):
                nick_lv = np.where(has_nick, k_best, -1)
            self._given_name_frequencies(q, g_best, giv_h, giv_p, L)
        L["surname"], L["given_name"], L["nickname"] = sur_lv, giv_lv, nick_lv

        # parents
        if q.parents:
            full, sur, giv = c["par_full"], c["par_sur"], c["par_giv"]
            par_syl = c["par_syl"].reshape(n, _N_PAR, _N_SYL)
            pbest = np.zeros((n, _N_PAR), dtype=np.int8)
            for pf, ps, pg, psyl in q.parents:
                if ps == _ABSENT:
                    continue  # a surname no report has: neither the whole name nor a part can agree
                same_sur = (sur == ps) if ps is not None else np.ones_like(full, dtype=bool)
                whole = full == pf if pf != _ABSENT else np.zeros_like(same_sur)
                if pg != _ABSENT:
                    whole |= same_sur & (giv == pg)
                syl_ids = [s for s in psyl if s != _ABSENT]
                if syl_ids:
                    shared = np.zeros((n, _N_PAR), dtype=bool)
                    for sid in syl_ids:
                        for j in range(_N_SYL):
                            shared |= par_syl[:, :, j] == sid
                    part = same_sur & shared
                    np.maximum(pbest, part.view(np.int8), out=pbest)
                np.maximum(pbest, whole.view(np.int8) * np.int8(2), out=pbest)
            both = (pbest[:, 0] == 2) & (pbest[:, 1] == 2)
            lv1 = np.where(both, 3, np.maximum(pbest[:, 0], pbest[:, 1]))
            L["parents"] = np.where((full[:, 0] >= 0) | (full[:, 1] >= 0), lv1, -1)
        else:
            L["parents"] = miss()

        # places
        plev = c["pl_level"]
        has_coord = ~np.isnan(c["pl_lat"])
        known_place = (plev > LEVEL_NONE) | has_coord
        if q.places:
            best = np.zeros(n, dtype=np.int8)
            for loc in q.places:
                np.maximum(best, self._place_level(loc, c, full_scale=True), out=best)
            L["place"] = np.where(known_place, best, -1)
        else:
            L["place"] = miss()
        if q.found_place is not None:
            flv = self._place_level(q.found_place, c, full_scale=False)
            L["found_place"] = np.where(known_place, flv, -1)
        else:
            L["found_place"] = miss()

        # dialect
        if q.dia_group >= 0 or q.dia_text != _ABSENT:
            dt, dg = c["dia_text"], c["dia_group"]
            lv = np.where(dt == q.dia_text, 2, np.where((dg == q.dia_group) & (dg >= 0), 1, 0))
            L["dialect"] = np.where((dt >= 0) | (dg >= 0), lv, -1)
        else:
            L["dialect"] = miss()

        # height
        if not math.isnan(q.height) and q.fdate >= 0:
            # Only reports with a height and an age at the time are compared; computing the
            # growth curve for those alone saves most of the work.
            ok = ~np.isnan(c["h_ratio"]) & (by >= 0)
            sel = np.flatnonzero(ok)
            bdate = c["bdate"][sel]
            age_now = np.where(
                bdate >= 0,
                (q.fdate - bdate) / _DAYS_PER_YEAR,
                (q.fyear or 0) - by[sel].astype(np.float64) + 0.5,
            )
            pred = c["h_ratio"][sel] * median_height(age_now, c["sex"][sel])
            diff = np.abs(q.height - pred)
            lv = (diff <= np.maximum(10.0, 0.09 * pred)).view(np.int8) + (
                diff <= np.maximum(4.0, 0.04 * pred)
            )
            hl = np.full(n, -1, dtype=np.int8)
            hl[sel] = lv
            L["height"] = hl
        else:
            L["height"] = miss()

        # marks
        if q.marks:
            mt, ml, ms = c["mk_type"], c["mk_loc"], c["mk_side"]
            # Column by column: reductions along a short second axis (``any(axis=1)``) cost
            # several times more than a few element-wise operations on the columns.
            slots = [(mt[:, j], ml[:, j], ms[:, j]) for j in range(_N_MARK)]
            any_type = np.zeros(n, dtype=bool)
            n_loc = np.zeros(n, dtype=np.int16)
            for m in q.marks:
                hit = np.zeros(n, dtype=bool)
                for kind, where, side in slots:
                    same_type = kind == m.kind
                    any_type |= same_type
                    if m.location >= 0:
                        same = same_type & (where == m.location)
                        if m.side:
                            same &= (side == 0) | (side == m.side)
                        hit |= same
                n_loc += hit
            lv = np.minimum(n_loc, 2).astype(np.int8) + 1
            lv[lv == 1] = any_type[lv == 1]  # no location agrees: "type" (1) or "disagree" (0)
            L["marks"] = np.where(mt[:, 0] >= 0, lv, np.int8(-1))
        else:
            L["marks"] = miss()

        # memories
        if q.mem:
            mem = c["mem"]
            shared = np.bitwise_count(mem & np.uint64(q.mem))
            L["memories"] = np.where(mem != 0, np.minimum(shared, 3).astype(np.int8), np.int8(-1))
        else:
            L["memories"] = miss()

        # age when missing against what is remembered (thresholds in years; see model.FIELDS)
        am = c["age_m"]
        if q.remembers:
            lv = np.where(am >= 4.0, 2, np.where(am >= 2.5, 1, 0))
        else:
            lv = np.where(am < 3.0, 2, np.where(am < 6.0, 1, 0))
        L["age_when_missing"] = np.where(np.isnan(am), -1, lv).astype(np.int8)
        return L

    def _place_level(self, loc: Located, c: _Selected, *, full_scale: bool) -> IntArray:
        """Level of agreement between a found-side place and each report's missing place.

        ``full_scale`` gives the five levels of ``place``; otherwise the three of ``found_place``,
        which uses distance only when the found place is bare coordinates (its weight is small
        and the codes say enough). Distances are compared on the equirectangular approximation,
        whose error stays far below the thresholds' precision at these ranges (< 1 % under
        300 km), and which costs a fraction of the haversine over a million rows.
        """
        n = c.n
        lv = np.zeros(n, dtype=np.int8)
        fine = loc.level in (LEVEL_NONE, LEVEL_COUNTY)
        use_distance = not math.isnan(loc.lat) and loc.level != LEVEL_PROVINCE
        if not full_scale:
            use_distance = use_distance and loc.level == LEVEL_NONE
        d2: FloatArray | None = None
        if use_distance:
            kx = 111.32 * math.cos(math.radians(loc.lat))
            dx = (c["pl_lon"] - loc.lon) * kx
            dy = (c["pl_lat"] - loc.lat) * 110.57
            d2 = dx * dx + dy * dy  # NaN (no coordinates) compares False below
        if full_scale and d2 is not None:
            lv[d2 < 300.0**2] = 1
        if loc.province >= 0:
            lv[c["pl_prov"] == loc.province] = 2 if full_scale else 1
        near = np.zeros(n, dtype=bool)
        if loc.level >= LEVEL_PREFECTURE:
            near |= c["pl_pref"] == loc.prefecture
        if d2 is not None and fine:
            near |= d2 < 50.0**2
        lv[near] = 3 if full_scale else 2
        if full_scale:
            if loc.level == LEVEL_COUNTY:
                lv[c["pl_cty"] == loc.county] = 4
            if d2 is not None and loc.level == LEVEL_NONE:
                lv[d2 < 15.0**2] = 4
        return lv

    def _given_name_frequencies(
        self, q: _Query, g_best: npt.NDArray[np.int8], giv_h: np.ndarray, giv_p: np.ndarray, L: _Levels
    ) -> None:
        """Term-frequency adjustments for the rows whose given name agrees in pinyin or exactly.

        Weights stay monotone: an adjusted "pinyin" never falls below "one_syllable", and an
        adjusted "exact" never below the same name's adjusted "pinyin".
        """
        rows = np.flatnonzero(g_best >= 3)
        if not len(rows):
            return
        base = self.weights.levels["given_name"]
        lvl, gh, gp = g_best[rows], giv_h[rows], giv_p[rows]
        best = np.full(len(rows), -np.inf)
        for v in q.variants:
            if v.giv_py == _ABSENT:
                continue
            w_py = max(base[2], base[3] + self._freq["giv_py"].adjustment(v.giv_py))
            best = np.where((lvl == 3) & (gp == v.giv_py), np.maximum(best, w_py), best)
            if v.giv_han != _ABSENT:
                w_ex = max(w_py, base[4] + self._freq["giv_han"].adjustment(v.giv_han))
                best = np.where((lvl == 4) & (gh == v.giv_han), np.maximum(best, w_ex), best)
        delta = np.where(np.isfinite(best), best - np.take(np.asarray(base), lvl), 0.0)
        keep = delta != 0.0
        if keep.any():
            L.adjust["given_name"] = (rows[keep], delta[keep])

    def _totals(self, L: _Levels) -> FloatArray:
        total = np.zeros(len(L.absent), dtype=np.float64)
        for name in FIELD_NAMES:
            lv = L[name]
            if lv is L.absent:
                continue  # the found person says nothing on this field: weight 0
            # Tables are indexed by level + 1; index -1 (level -2) never occurs, index 0 is missing.
            total += np.take(self._tables[name], lv)
        for rows, delta in L.adjust.values():
            total[rows] += delta
        return total

    def _reasons(self, L: _Levels, i: int, q: _Query, row: int) -> dict[str, Reason]:
        out: dict[str, Reason] = {}
        for name, levels in FIELDS.items():
            lv = int(L[name][i])
            if lv < 0:
                continue
            detail = ""
            if name == "age" and q.by_range is not None:
                detail = f"born {int(self._cols['by'][row])}; estimate {q.by_range[0]:g}-{q.by_range[1]:g}"
            elif name == "age_when_missing":
                remembered = (
                    "remembers names, parents or home" if q.remembers else "remembers nothing of home"
                )
                detail = f"missing at {float(self._cols['age_m'][row]):.1f} years; {remembered}"
            elif name == "memories":
                shared = int(self._cols["mem"][row]) & q.mem
                detail = ",".join(D.concepts_of(shared))
            elif name in ("place", "found_place"):
                lat, lon = self._cols["pl_lat"][row], self._cols["pl_lon"][row]
                pts = q.places if name == "place" else [q.found_place] if q.found_place else []
                ds = [haversine_km(p.lat, p.lon, lat, lon) for p in pts if not math.isnan(p.lat)]
                ds = [x for x in ds if not math.isnan(x)]
                if ds:
                    detail = f"{min(ds):.0f} km"
            weight = float(self.weights.levels[name][lv])
            if name in L.adjust:
                rows, delta = L.adjust[name]
                hit = np.flatnonzero(rows == i)
                if len(hit):
                    weight += float(delta[hit[0]])
                    detail = "rare name" if delta[hit[0]] > 0 else "common name"
            out[name] = Reason(levels[lv], weight, detail)
        return out

    # -- public matching ---------------------------------------------------------------------

    def match(
        self, found: FoundRecord, top: int = 10, excluded: Collection[tuple[str, str]] | None = None
    ) -> list[Candidate]:
        """The ``top`` most probable reports for ``found``, best first.

        ``excluded`` holds (missing_id, found_id) pairs a reviewer ruled out, in addition to
        those given to ``exclude``; they are never returned.
        """
        q = self._query(found, excluded)
        best_rows: list[IntArray] = []
        best_totals: list[FloatArray] = []
        for seg in self._segments(q):
            c = _Selected(self._cols, seg)
            ok, _ = self._hard(q, c)
            if not ok.any():
                continue
            # Rounded so that sums equal up to float noise tie, and ties are broken by id.
            total = np.where(ok, np.round(self._totals(self._levels(q, c)), 9), -np.inf)
            # Keep every row tied with the k-th best so ties are broken by id, not by layout.
            idx = np.flatnonzero(total >= _kth_largest(total, top)) if top < c.n else np.arange(c.n)
            idx = idx[np.isfinite(total[idx])]
            best_rows.append(c.row_numbers()[idx] if isinstance(seg, np.ndarray) else seg.start + idx)
            best_totals.append(total[idx])
        if not best_rows:
            return []
        rows = np.concatenate(best_rows)
        totals = np.concatenate(best_totals)
        # Ties are broken by report id so the order does not depend on the storage layout.
        order = sorted(range(len(rows)), key=lambda i: (-totals[i], self._ids[int(rows[i])]))[:top]
        rows = rows[order]
        c = _Selected(self._cols, rows)
        L = self._levels(q, c)
        total = self._totals(L)
        probs = self.weights.probability(total)
        z = self.weights.intercept + self.weights.scale * total
        out = []
        for i, row in enumerate(rows):
            reasons = self._reasons(L, i, q, int(row))
            out.append(Candidate(self._ids[int(row)], Score(float(probs[i]), float(z[i]), reasons)))
        return out

    def match_many(
        self,
        founds: Sequence[FoundRecord],
        top: int = 10,
        excluded: Collection[tuple[str, str]] | None = None,
        *,
        workers: int = 1,
    ) -> list[list[Candidate]]:
        """``match`` for each found person, in order, spread over ``workers`` processes.

        Batch work (evaluation, the command line, a nightly re-match) is bound by one core per
        process; worker processes are forked, so they share the index's arrays with this
        process instead of copying them. Without ``fork`` (or with one worker) it runs here.
        """
        founds = list(founds)
        workers = max(1, min(workers, len(founds) // 8))
        if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
            return [self.match(f, top, excluded) for f in founds]
        global _FORKED
        _FORKED = (self, top, excluded)
        # Objects that exist now are left out of the workers' garbage collection, which would
        # otherwise touch (and so copy) every page of the index's Python objects in each worker.
        gc.freeze()
        try:
            chunk = -(-len(founds) // (workers * 4))
            parts = [founds[i : i + chunk] for i in range(0, len(founds), chunk)]
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.map(_match_part, parts)
        finally:
            _FORKED = None
            gc.unfreeze()
        return [cands for part in results for cands in part]

    def consistent_ids(
        self, found: FoundRecord, excluded: Collection[tuple[str, str]] | None = None
    ) -> list[str]:
        """Every indexed report that passes blocking and the hard rules for ``found``, unscored."""
        q = self._query(found, excluded)
        out: list[str] = []
        for seg in self._segments(q):
            c = _Selected(self._cols, seg)
            ok, _ = self._hard(q, c)
            out.extend(self._ids[int(r)] for r in c.row_numbers()[ok])
        return out

    def score(self, missing_id: str, found: FoundRecord) -> Score:
        """Score one indexed report against ``found``, hard conflicts included."""
        row = self._row_of[missing_id]
        q = self._query(found, None)
        c = _Selected(self._cols, np.array([row], dtype=np.int64))
        ok, conflicts = self._hard(q, c)
        L = self._levels(q, c)
        total = self._totals(L)
        reasons = self._reasons(L, 0, q, row)
        bad = tuple(name for name, v in conflicts.items() if v[0])
        z = float(self.weights.intercept + self.weights.scale * total[0])
        prob = float(self.weights.probability(total)[0]) if ok[0] else 0.0
        return Score(prob, z, reasons, bad)

    def levels(self, missing_ids: list[str], found: FoundRecord) -> dict[str, IntArray]:
        """Comparison level of each field (``-1`` = missing) for several reports against ``found``."""
        rows = np.array([self._row_of[m] for m in missing_ids], dtype=np.int64)
        return self._levels(self._query(found, None), _Selected(self._cols, rows))


# The index a forked worker of ``match_many`` matches against (set just before forking).
_FORKED: tuple[MatchIndex, int, Collection[tuple[str, str]] | None] | None = None


def _match_part(founds: list[FoundRecord]) -> list[list[Candidate]]:
    assert _FORKED is not None, f"worker {os.getpid()} was not forked from match_many"
    index, top, excluded = _FORKED
    return [index.match(f, top, excluded) for f in founds]


def default_workers() -> int:
    """Worker processes for batch matching: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
