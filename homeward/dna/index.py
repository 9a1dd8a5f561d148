"""The in-memory search index of each worker process, built from the database and kept up to date.

A worker keeps one `ReferenceIndex` (and one `YHaplotypeIndex`) per shard it serves. Before each search it checks,
cheaply, whether the database moved: a different active frequency table or a profile withdrawn (the `IndexState`
counter) means a rebuild; new profiles (higher ids) are added incrementally. Shards split the references by family
(the engine's stable hash), so searching each shard in its own task and merging with `merge_results` gives the
same candidates as one search of everything. The index is the adapter between the models and the engine: nothing
else in the app builds engine objects from rows.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from homeward.dna import conf
from homeward.dna.models import (
    QUERY_CATEGORIES,
    FrequencyTable,
    IndexState,
    SampleStatus,
    StrProfile,
    YHaplotype,
)
from homeward.engines.kinship import FrequencyTable as EngineTable
from homeward.engines.kinship import MinFrequencyRule, Profile, ReferenceIndex, YHaplotypeIndex

# Profiles committed out of id order (concurrent imports) are caught by re-reading this many ids back.
LATE_COMMIT_WINDOW = 2000
_CHUNK = 5000


@dataclass
class WorkerIndex:
    table_id: int
    removals: int
    shard: int
    n_shards: int
    index: ReferenceIndex
    y_index: YHaplotypeIndex
    loaded: set[int] = field(default_factory=set)
    max_id: int = 0
    y_loaded: set[int] = field(default_factory=set)
    y_max_id: int = 0
    query_ids: set[str] = field(default_factory=set)  # sample ids on the query side (children)
    family_of: dict[str, str | None] = field(default_factory=dict)
    builds: int = 0


_CACHE: dict[tuple[int, int], WorkerIndex] = {}
_LOCK = threading.Lock()


def engine_table(table: FrequencyTable) -> tuple[EngineTable, MinFrequencyRule | None]:
    engine = EngineTable.from_mapping(
        table.data, name=table.name, version=table.version, sample_size=table.sample_size
    )
    rule = MinFrequencyRule.parse(table.min_freq or None, sample_size=table.sample_size)
    return engine, rule


def active_table() -> FrequencyTable | None:
    return FrequencyTable.objects.filter(is_active=True).order_by("-created_at").first()


def removals() -> int:
    state = IndexState.objects.filter(pk=1).values_list("removals", flat=True).first()
    return int(state or 0)


def in_shard(family_id: Any, sample_id: Any, shard: int, n_shards: int) -> bool:
    if n_shards == 1:
        return True
    key = str(family_id) if family_id is not None else f"s{sample_id}"
    return zlib.crc32(key.encode("utf-8")) % n_shards == shard


def role_of(category: str) -> str:
    return "child" if category in QUERY_CATEGORIES else category


def to_profile(genotypes: dict[str, str], amelogenin: str = "") -> Profile:
    pairs = {}
    for locus, value in genotypes.items():
        a, b = value.split("/")
        pairs[locus] = (a, b)
    sex = "male" if amelogenin == "XY" else "female" if amelogenin == "XX" else None
    return Profile(genotypes=pairs, sex=sex)


def get(shard: int = 0, n_shards: int = 1) -> WorkerIndex:
    """This process's index for a shard, brought up to date with the database."""
    table = active_table()
    if table is None:
        raise LookupError("no active frequency table: load one with manage.py dna_load_frequencies")
    with _LOCK:
        current = _CACHE.get((shard, n_shards))
        moved = removals()
        if current is None or current.table_id != table.pk or current.removals != moved:
            builds = current.builds if current else 0
            current = _build(table, moved, shard, n_shards)
            current.builds = builds + 1
            _CACHE[(shard, n_shards)] = current
        else:
            _refresh(current)
        return current


def forget() -> None:
    """Drop every cached index (tests, and after bulk maintenance)."""
    with _LOCK:
        _CACHE.clear()


def _new_indexes(table: FrequencyTable) -> tuple[ReferenceIndex, YHaplotypeIndex]:
    engine, rule = engine_table(table)
    index = ReferenceIndex(
        engine,
        loci=sorted(engine.loci),
        mutation=conf.mutation(),
        theta=conf.theta(),
        min_freq=rule,
        thresholds=conf.thresholds(),
        report_threshold=conf.report_threshold(),
        n_below=conf.n_below(),
    )
    return index, YHaplotypeIndex(conf.Y_LOCI)


def _unseen(model: Any, min_id: int, loaded: set[int]) -> list[int] | None:
    """Ids above min_id not loaded yet (None: everything above min_id). Reading only the ids of the late-commit
    window keeps a refresh cheap: the genotypes of rows already in the index are not fetched again."""
    if not loaded:
        return None
    ids = model.objects.filter(is_active=True, sample__status=SampleStatus.ACTIVE, id__gt=min_id).values_list(
        "id", flat=True
    )
    return [pk for pk in ids if pk not in loaded]


def _profile_rows(min_id: int = 0, loaded: set[int] | None = None) -> Iterable[tuple[Any, ...]]:
    wanted = _unseen(StrProfile, min_id, loaded or set())
    rows = StrProfile.objects.filter(is_active=True, sample__status=SampleStatus.ACTIVE, id__gt=min_id)
    if wanted is not None:
        rows = rows.filter(id__in=wanted) if wanted else rows.none()
    return (
        rows.order_by("id")
        .values_list("id", "sample_id", "sample__category", "sample__family_id", "genotypes", "amelogenin")
        .iterator(chunk_size=_CHUNK)
    )


def _y_rows(min_id: int = 0, loaded: set[int] | None = None) -> Iterable[tuple[Any, ...]]:
    wanted = _unseen(YHaplotype, min_id, loaded or set())
    rows = YHaplotype.objects.filter(is_active=True, sample__status=SampleStatus.ACTIVE, id__gt=min_id)
    if wanted is not None:
        rows = rows.filter(id__in=wanted) if wanted else rows.none()
    return (
        rows.order_by("id")
        .values_list("id", "sample_id", "sample__category", "sample__family_id", "haplotype")
        .iterator(chunk_size=_CHUNK)
    )


def _wanted(w: WorkerIndex, category: str, family_id: Any, sample_id: Any) -> bool:
    # Every profile lives in exactly one shard (a family's profiles together): the references for the child
    # searches, and the query profiles too, so that the shards' duplicate checks together cover everything.
    return in_shard(family_id, sample_id, w.shard, w.n_shards)


def _build(table: FrequencyTable, moved: int, shard: int, n_shards: int) -> WorkerIndex:
    index, y_index = _new_indexes(table)
    w = WorkerIndex(table.pk, moved, shard, n_shards, index, y_index)
    # Bulk load: one block per (role, sex) through add_arrays, alleles as indices per locus.
    blocks: dict[tuple[str, str | None], dict[str, Any]] = {}
    allele_lists: dict[str, list[str]] = {lc: [] for lc in index.loci}
    allele_pos: dict[str, dict[str, int]] = {lc: {} for lc in index.loci}
    for pid, sample_id, category, family_id, genotypes, amel in _profile_rows():
        w.loaded.add(pid)
        w.max_id = max(w.max_id, pid)
        if not _wanted(w, category, family_id, sample_id):
            continue
        role = role_of(category)
        sex = None if role in ("father", "mother") else ("female" if amel == "XX" else "male")
        block = blocks.setdefault((role, sex), {"ids": [], "fams": [], "rows": []})
        sid = str(sample_id)
        block["ids"].append(sid)
        block["fams"].append(None if family_id is None else str(family_id))
        coded: dict[str, tuple[int, int]] = {}
        for locus, value in genotypes.items():
            pos = allele_pos.get(locus)
            if pos is None:
                continue
            a, b = value.split("/")
            for allele in (a, b):
                if allele not in pos:
                    pos[allele] = len(allele_lists[locus])
                    allele_lists[locus].append(allele)
            coded[locus] = (pos[a], pos[b])
        block["rows"].append(coded)
        if role == "child":
            w.query_ids.add(sid)
        w.family_of[sid] = None if family_id is None else str(family_id)
    # Parents first so that couples form as mothers arrive; relatives after.
    order = sorted(blocks, key=lambda k: (k[0] != "father", k[0] != "mother", k[0], k[1] or ""))
    for role, sex in order:
        block = blocks[(role, sex)]
        n = len(block["ids"])
        arrays = {}
        for locus in index.loci:
            if not allele_lists[locus]:
                continue  # nobody typed here
            arr = np.full((n, 2), -1, dtype=np.int64)
            for i, coded in enumerate(block["rows"]):
                pair = coded.get(locus)
                if pair is not None:
                    arr[i] = pair
            arrays[locus] = arr
        fams = block["fams"] if role != "child" and any(f is not None for f in block["fams"]) else None
        if fams is not None and any(f is None for f in fams):
            fams = [f if f is not None else f"s{sid}" for f, sid in zip(fams, block["ids"], strict=True)]
        index.add_arrays(block["ids"], arrays, allele_lists, role, fams, sex=sex)
    _load_y(w, 0)
    return w


def _refresh(w: WorkerIndex) -> None:
    for pid, sample_id, category, family_id, genotypes, amel in _profile_rows(
        max(0, w.max_id - LATE_COMMIT_WINDOW), w.loaded
    ):
        if pid in w.loaded:
            continue
        w.loaded.add(pid)
        w.max_id = max(w.max_id, pid)
        if not _wanted(w, category, family_id, sample_id):
            continue
        sid = str(sample_id)
        role = role_of(category)
        w.index.add(sid, to_profile(genotypes, amel), role, None if family_id is None else str(family_id))
        if role == "child":
            w.query_ids.add(sid)
        w.family_of[sid] = None if family_id is None else str(family_id)
    _load_y(w, max(0, w.y_max_id - LATE_COMMIT_WINDOW))


def _load_y(w: WorkerIndex, min_id: int) -> None:
    for pid, sample_id, category, family_id, haplotype in _y_rows(min_id, w.y_loaded):
        if pid in w.y_loaded:
            continue
        w.y_loaded.add(pid)
        w.y_max_id = max(w.y_max_id, pid)
        if w.n_shards > 1 and w.shard != 0:
            continue  # lineage search is cheap: shard 0 does it for everyone
        sid = str(sample_id)
        w.y_index.add(sid, haplotype)
        if category in QUERY_CATEGORIES:
            w.query_ids.add(sid)
        w.family_of[sid] = None if family_id is None else str(family_id)
