"""In-memory database search: one child against every single parent, couple and family.

References are held as one ``uint16`` genotype code per locus and profile
(``sex * A² + a * A + b`` with allele codes a ≤ b < A, or ``MISSING``), so the per-query pass
is a table lookup per locus: the query child fixes every per-locus LR as a function of the
reference's genotype code, the table is built once per query with the exact pedigree engine,
and the pass is ``np.take`` + add over contiguous arrays. Couples use per-code transmission
tables (four lookups per locus). Families with other relatives are scored with the batched
pedigree engine, grouped by family structure.

Frequencies follow ``compute_lr`` per compared pair: the table plus the unseen alleles of
the two sides at the minimum frequency, renormalised. That keeps LRs independent of the rest
of the database, so shards searched separately merge to identical results.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .frequencies import FrequencyTable, MinFrequencyRule, PreparedLocus
from .hypotheses import Thresholds
from .mutation import MutationSpec, sex_matrices
from .pedigree import Pedigree, Person, likelihood
from .profiles import Profile

A = 64  # allele capacity per locus
SEXES = ("male", "female")
MISSING = 2 * A * A
PARENT_ROLES = ("father", "mother")
RELATIVE_ROLES = (
    "sibling",
    "paternal_grandfather",
    "paternal_grandmother",
    "maternal_grandfather",
    "maternal_grandmother",
    "paternal_uncle",
    "paternal_aunt",
    "maternal_uncle",
    "maternal_aunt",
)
ROLES = ("child", *PARENT_ROLES, *RELATIVE_ROLES)
_ROLE_CODE = {r: i for i, r in enumerate(ROLES)}


class IndexError_(ValueError):
    """Invalid use of the reference index."""


@dataclass
class Candidate:
    """One scored candidate: a single parent (duo), a couple (trio) or a family."""

    kind: str
    reference_ids: tuple[str, ...]
    family_id: str | None
    log10_lr: float
    per_locus: dict[str, float] = field(default_factory=dict)
    n_inconsistent: int = 0
    conclusion: str = ""
    reportable: bool = False

    @property
    def lr(self) -> float:
        return 0.0 if self.log10_lr == -math.inf else 10.0**self.log10_lr

    @property
    def loci_compared(self) -> list[str]:
        return list(self.per_locus)

    def key(self) -> tuple[float, str, tuple[str, ...]]:
        return (-self.log10_lr, self.kind, self.reference_ids)


@dataclass
class SearchResult:
    query_id: str | None
    candidates: list[Candidate]
    n_compared: dict[str, int]


@dataclass
class _Prep:
    prepared: PreparedLocus
    mats: dict[str, np.ndarray]
    codes: np.ndarray  # index-code -> prepared position (-1 if absent)


class ReferenceIndex:
    """Reference profiles in compact arrays with vectorised child/family searches."""

    def __init__(
        self,
        table: FrequencyTable,
        loci: Sequence[str] | None = None,
        mutation: MutationSpec | None = None,
        theta: float = 0.0,
        min_freq: MinFrequencyRule | None = None,
        locus_mutation: Mapping[str, Mapping[str, object]] | None = None,
        thresholds: Thresholds | None = None,
        report_threshold: float = 1e4,
        n_below: int = 5,
        initial_capacity: int = 1024,
    ) -> None:
        self.table = table
        self.loci = list(loci) if loci is not None else list(table.loci)
        for locus in self.loci:
            if locus not in table.loci:
                raise IndexError_(f"locus {locus} is not in frequency table {table.name}")
        self.mutation = mutation or MutationSpec()
        self.theta = float(theta)
        self.min_freq = min_freq
        self.locus_mutation = dict(locus_mutation or {})
        self.thresholds = thresholds or Thresholds()
        self.report_threshold = report_threshold
        self.n_below = n_below
        # Allele codes: table alleles first (stable), unseen alleles appended as they arrive.
        self._alleles: list[list[str]] = [sorted(table.loci[lc], key=_num_key) for lc in self.loci]
        self._acode: list[dict[str, int]] = [{a: i for i, a in enumerate(al)} for al in self._alleles]
        self._n_table = [len(al) for al in self._alleles]
        self._locus_pos = {lc: i for i, lc in enumerate(self.loci)}
        n_loci = len(self.loci)
        self._n = 0
        self._codes = np.full((n_loci, initial_capacity), MISSING, dtype=np.uint16)
        self._alive = np.zeros(initial_capacity, dtype=bool)
        self._role = np.zeros(initial_capacity, dtype=np.uint8)
        self._sex = np.zeros(initial_capacity, dtype=np.uint8)
        self._ids: list[str] = []
        self._family: list[str | None] = []
        self._row: dict[str, int] = {}
        self._families: dict[str, dict[str, list[int]]] = {}
        self._fingerprints: dict[tuple[tuple[int, int], ...], set[str]] = {}
        # Couples (father row, mother row) as their own contiguous code arrays.
        self._nc = 0
        self._cf = np.full((n_loci, 256), MISSING, dtype=np.uint16)
        self._cm = np.full((n_loci, 256), MISSING, dtype=np.uint16)
        self._c_alive = np.zeros(256, dtype=bool)
        self._c_rows: list[tuple[int, int]] = []
        self._c_of_family: dict[str, int] = {}
        self._prep_cache: dict[tuple[int, tuple[str, ...]], _Prep] = {}

    # ------------------------------------------------------------------ storage

    def __len__(self) -> int:
        return int(self._alive[: self._n].sum())

    def _encode(self, profile: Profile, sex: int) -> np.ndarray:
        out = np.full(len(self.loci), MISSING, dtype=np.uint16)
        for locus, (a, b) in profile.genotypes.items():
            li = self._locus_pos.get(locus)
            if li is None:
                continue  # loci outside the index's set are not compared
            ca, cb = self._allele_code(li, a), self._allele_code(li, b)
            if ca > cb:
                ca, cb = cb, ca
            out[li] = sex * A * A + ca * A + cb
        return out

    def _allele_code(self, li: int, allele: str) -> int:
        code = self._acode[li].get(allele)
        if code is None:
            if self.min_freq is None:
                raise IndexError_(
                    f"locus {self.loci[li]}: allele {allele} is not in the frequency table and no min_freq rule"
                )
            code = len(self._alleles[li])
            if code >= A:
                raise IndexError_(f"locus {self.loci[li]}: more than {A} distinct alleles")
            self._alleles[li].append(allele)
            self._acode[li][allele] = code
        return code

    def _grow(self, need: int) -> None:
        cap = self._codes.shape[1]
        if need <= cap:
            return
        new = max(need, cap * 2)
        codes = np.full((len(self.loci), new), MISSING, dtype=np.uint16)
        codes[:, :cap] = self._codes
        self._codes = codes
        for name in ("_alive", "_role", "_sex"):
            old = getattr(self, name)
            arr = np.zeros(new, dtype=old.dtype)
            arr[:cap] = old
            setattr(self, name, arr)

    def add(self, profile_id: str, profile: Profile, role: str, family_id: str | None = None) -> list[str]:
        """Store a profile; returns ids of stored profiles with identical genotypes (duplicates)."""
        if role not in _ROLE_CODE:
            raise IndexError_(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        if profile_id in self._row:
            raise IndexError_(f"profile {profile_id} is already stored")
        if role in PARENT_ROLES:
            sex = 0 if role == "father" else 1
        else:
            sex = 1 if profile.sex == "female" else 0
        codes = self._encode(profile, sex)
        fp = self._fingerprint(codes)
        duplicates = sorted(self._fingerprints.get(fp, ()))
        self._grow(self._n + 1)
        row = self._n
        self._n += 1
        self._codes[:, row] = codes
        self._alive[row] = True
        self._role[row] = _ROLE_CODE[role]
        self._sex[row] = sex
        self._ids.append(profile_id)
        self._family.append(family_id)
        self._row[profile_id] = row
        self._fingerprints.setdefault(fp, set()).add(profile_id)
        if family_id is not None and role != "child":
            self._families.setdefault(family_id, {}).setdefault(role, []).append(row)
            self._update_couple(family_id)
        return duplicates

    def add_many(self, items: Iterable[tuple[str, Profile, str, str | None]]) -> None:
        for pid, prof, role, fam in items:
            self.add(pid, prof, role, fam)

    def remove(self, profile_id: str) -> None:
        row = self._row.pop(profile_id, None)
        if row is None:
            raise IndexError_(f"profile {profile_id} is not stored")
        self._alive[row] = False
        fp = self._fingerprint(self._codes[:, row])
        self._fingerprints.get(fp, set()).discard(profile_id)
        fam = self._family[row]
        if fam is not None and fam in self._families:
            for rows in self._families[fam].values():
                if row in rows:
                    rows.remove(row)
            self._families[fam] = {r: v for r, v in self._families[fam].items() if v}
            if not self._families[fam]:
                del self._families[fam]
            self._update_couple(fam)

    def _fingerprint(self, codes: np.ndarray) -> tuple[tuple[int, int], ...]:
        return tuple((i, int(c) % (A * A)) for i, c in enumerate(codes) if c != MISSING)

    def _update_couple(self, family_id: str) -> None:
        members = self._families.get(family_id, {})
        fathers, mothers = members.get("father", []), members.get("mother", [])
        existing = self._c_of_family.get(family_id)
        if existing is not None:
            self._c_alive[existing] = False
            del self._c_of_family[family_id]
        if len(fathers) == 1 and len(mothers) == 1:
            if self._nc >= self._cf.shape[1]:
                new = self._cf.shape[1] * 2
                for name in ("_cf", "_cm"):
                    old = getattr(self, name)
                    arr = np.full((len(self.loci), new), MISSING, dtype=np.uint16)
                    arr[:, : old.shape[1]] = old
                    setattr(self, name, arr)
                alive = np.zeros(new, dtype=bool)
                alive[: self._c_alive.shape[0]] = self._c_alive
                self._c_alive = alive
            c = self._nc
            self._nc += 1
            self._cf[:, c] = self._codes[:, fathers[0]]
            self._cm[:, c] = self._codes[:, mothers[0]]
            self._c_alive[c] = True
            self._c_rows.append((fathers[0], mothers[0]))
            self._c_of_family[family_id] = c

    def memory_bytes(self) -> int:
        """Bytes held in the numpy arrays (excluding Python id strings and dicts)."""
        return int(
            self._codes.nbytes
            + self._alive.nbytes
            + self._role.nbytes
            + self._sex.nbytes
            + self._cf.nbytes
            + self._cm.nbytes
            + self._c_alive.nbytes
        )

    def profile_codes(self, profile_id: str) -> dict[str, tuple[str, str]]:
        row = self._row[profile_id]
        return self._decode(self._codes[:, row])

    def _decode(self, codes: np.ndarray) -> dict[str, tuple[str, str]]:
        out = {}
        for li, c in enumerate(codes):
            if c == MISSING:
                continue
            g = int(c) % (A * A)
            out[self.loci[li]] = (self._alleles[li][g // A], self._alleles[li][g % A])
        return out

    # ------------------------------------------------------------ preparation

    def _prep(self, li: int, extra: tuple[str, ...]) -> _Prep:
        """Prepared locus for table + ``extra`` unseen alleles, with index-code mapping."""
        key = (li, extra)
        hit = self._prep_cache.get(key)
        if hit is not None and len(hit.codes) == len(self._alleles[li]):
            return hit
        locus = self.loci[li]
        prepared = self.table.prepare(locus, extra, self.min_freq)
        spec = (
            self.mutation.merged(self.locus_mutation[locus])
            if locus in self.locus_mutation
            else self.mutation
        )
        mats = sex_matrices(spec, prepared.alleles, prepared.freqs)
        codes = np.array([prepared.index.get(a, -1) for a in self._alleles[li]], dtype=np.intp)
        out = _Prep(prepared, mats, codes)
        self._prep_cache[key] = out
        return out

    def _extras(self, li: int, alleles: Iterable[int]) -> tuple[str, ...]:
        n_tab = self._n_table[li]
        return tuple(sorted({self._alleles[li][a] for a in alleles if a >= n_tab}))

    # ---------------------------------------------------------------- search

    def search_child(
        self, profile: Profile, query_id: str | None = None, kinds: Sequence[str] = ("duo", "trio", "family")
    ) -> SearchResult:
        """Score a child against every single parent (duo), couple (trio) and family with relatives."""
        q = self._encode(profile, 0)
        candidates: list[Candidate] = []
        n_compared: dict[str, int] = {}
        if "duo" in kinds:
            cands, n = self._search_duo(q)
            candidates += cands
            n_compared["duo"] = n
        if "trio" in kinds:
            cands, n = self._search_trio(q)
            candidates += cands
            n_compared["trio"] = n
        if "family" in kinds:
            cands, n = self._search_families(q)
            candidates += cands
            n_compared["family"] = n
        return SearchResult(query_id, self._select(candidates), n_compared)

    def _select(self, candidates: list[Candidate]) -> list[Candidate]:
        return select_candidates(candidates, self.report_threshold, self.n_below)

    def _child_alleles(self, q: np.ndarray, li: int) -> tuple[int, int] | None:
        c = int(q[li])
        if c == MISSING:
            return None
        g = c % (A * A)
        return g // A, g % A

    def _duo_tables(self, q: np.ndarray) -> list[np.ndarray | None]:
        """Per locus: LR for every reference code (sex-baked) against the child; None if child untyped."""
        tables: list[np.ndarray | None] = []
        for li in range(len(self.loci)):
            ch = self._child_alleles(q, li)
            if ch is None:
                tables.append(None)
                continue
            n_all = len(self._alleles[li])
            table = np.ones(MISSING + 1)
            a_idx, b_idx = np.triu_indices(n_all)
            # Group parent genotypes by which unseen alleles they add to the child's.
            groups: dict[tuple[str, ...], list[int]] = {}
            for k, (a, b) in enumerate(zip(a_idx, b_idx, strict=True)):
                groups.setdefault(self._extras(li, (ch[0], ch[1], int(a), int(b))), []).append(k)
            for extra, ks in groups.items():
                prep = self._prep(li, extra)
                sel = np.array(ks)
                pa, pb = prep.codes[a_idx[sel]], prep.codes[b_idx[sel]]
                child = np.broadcast_to(np.array([prep.codes[ch[0]], prep.codes[ch[1]]]), (len(sel), 2))
                parent = np.stack([pa, pb], axis=1)
                for s, sex in enumerate(SEXES):
                    lr = _pair_lr(DUO_PEDS[sex], {"parent": parent, "child": child}, prep, self.theta)
                    table[s * A * A + a_idx[sel] * A + b_idx[sel]] = lr
            tables.append(table)
        return tables

    def _search_duo(self, q: np.ndarray) -> tuple[list[Candidate], int]:
        n = self._n
        tables = self._duo_tables(q)
        score = np.zeros(n, dtype=np.float64)
        buf = np.empty(n, dtype=np.float32)
        compared = np.zeros(n, dtype=np.int16)
        logs = []
        for li, t in enumerate(tables):
            if t is None:
                logs.append(None)
                continue
            with np.errstate(divide="ignore"):
                lt = np.log10(t).astype(np.float32)
            lt[MISSING] = 0.0
            logs.append(lt)
            np.take(lt, self._codes[li, :n], out=buf)
            score += buf
            compared += self._codes[li, :n] != MISSING
        mask = self._alive[:n] & (
            (self._role[:n] == _ROLE_CODE["father"]) | (self._role[:n] == _ROLE_CODE["mother"])
        )
        mask &= compared > 0
        rows = np.flatnonzero(mask)
        picked = _top_rows(score[rows], self.report_threshold, self.n_below)
        out = []
        for r in rows[picked]:
            per_locus: dict[str, float] = {}
            inconsistent = 0
            for li, t in enumerate(tables):
                c = int(self._codes[li, r])
                if t is None or c == MISSING:
                    continue
                per_locus[self.loci[li]] = float(t[c])
                ch = self._child_alleles(q, li)
                g = c % (A * A)
                assert ch is not None
                if not ({g // A, g % A} & set(ch)):
                    inconsistent += 1
            out.append(self._candidate("duo", (self._ids[r],), self._family[r], per_locus, inconsistent))
        return out, int(rows.size)

    def _candidate(
        self, kind: str, ids: tuple[str, ...], family: str | None, per_locus: dict[str, float], n_incons: int
    ) -> Candidate:
        if any(v == 0 for v in per_locus.values()):
            log10 = -math.inf
        else:
            log10 = float(sum(math.log10(v) for v in per_locus.values()))
        lr = 0.0 if log10 == -math.inf else 10.0**log10
        concl = self.thresholds.conclude(lr, len(per_locus), single_parent=kind == "duo")
        return Candidate(kind, ids, family, log10, per_locus, n_incons, concl)

    def _trio_tables(self, q: np.ndarray) -> list[tuple[np.ndarray, ...] | None]:
        """Per locus, per parent code: transmission to the child's alleles and allele counts.

        Codes using alleles outside the child's prepared locus are NaN: such couples (and, with
        θ > 0, couples with a parent untyped at the locus) are recomputed exactly afterwards.
        """
        out: list[tuple[np.ndarray, ...] | None] = []
        for li in range(len(self.loci)):
            ch = self._child_alleles(q, li)
            if ch is None:
                out.append(None)
                continue
            base = self._prep(li, self._extras(li, ch))
            ok = np.flatnonzero(base.codes >= 0)
            t1 = np.full(MISSING + 1, np.nan)
            t2 = np.full(MISSING + 1, np.nan)
            k1 = np.zeros(MISSING + 1)
            k2 = np.zeros(MISSING + 1)
            a_idx, b_idx = np.meshgrid(ok, ok, indexing="ij")
            a_idx, b_idx = a_idx.ravel(), b_idx.ravel()
            pa, pb = base.codes[a_idx], base.codes[b_idx]
            d1, d2 = base.codes[ch[0]], base.codes[ch[1]]
            for s, sex in enumerate(SEXES):
                m = base.mats[sex]
                idx = s * A * A + a_idx * A + b_idx
                t1[idx] = 0.5 * (m[pa, d1] + m[pb, d1])
                t2[idx] = 0.5 * (m[pa, d2] + m[pb, d2])
                k1[idx] = (pa == d1).astype(float) + (pb == d1)
                k2[idx] = (pa == d2).astype(float) + (pb == d2)
            p = base.prepared.freqs
            r = {sex: p @ base.mats[sex] for sex in SEXES}
            t1[MISSING], t2[MISSING] = r["male"][d1], r["male"][d2]
            out.append(
                (
                    t1,
                    t2,
                    k1,
                    k2,
                    np.array([r["female"][d1], r["female"][d2]]),
                    np.array([p[d1], p[d2]]),
                    np.array([float(ch[0] == ch[1])]),
                )
            )
        return out

    def _search_trio(self, q: np.ndarray) -> tuple[list[Candidate], int]:
        nc = self._nc
        alive = self._c_alive[:nc].copy()
        if nc == 0 or not alive.any():
            return [], 0
        tables = self._trio_tables(q)
        th = self.theta
        score = np.zeros(nc)
        chunk = 1 << 15
        for start in range(0, nc, chunk):
            stop = min(nc, start + chunk)
            acc = np.ones(stop - start)
            logacc = np.zeros(stop - start)
            for j, (li, tab) in enumerate(enumerate(tables)):
                if tab is None:
                    continue
                cf, cm = self._cf[li, start:stop], self._cm[li, start:stop]
                lr = _trio_locus_lr(tab, cf, cm, th)
                bad = np.isnan(lr)
                if bad.any():
                    lr[bad] = [
                        self._exact_trio(li, q, int(f), int(m)) for f, m in zip(cf[bad], cm[bad], strict=True)
                    ]
                acc *= lr
                if j % 8 == 7:
                    with np.errstate(divide="ignore"):
                        logacc += np.log10(acc)
                    acc[:] = 1.0
            with np.errstate(divide="ignore"):
                score[start:stop] = logacc + np.log10(acc)
        rows = np.flatnonzero(alive)
        picked = _top_rows(score[rows], self.report_threshold, self.n_below)
        out = []
        for c in rows[picked]:
            per_locus: dict[str, float] = {}
            inconsistent = 0
            for li, tab in enumerate(tables):
                cf, cm = int(self._cf[li, c]), int(self._cm[li, c])
                if tab is None or (cf == MISSING and cm == MISSING):
                    continue
                lr = float(_trio_locus_lr(tab, np.array([cf]), np.array([cm]), th)[0])
                if math.isnan(lr):
                    lr = self._exact_trio(li, q, cf, cm)
                per_locus[self.loci[li]] = lr
                ch = self._child_alleles(q, li)
                assert ch is not None
                if (
                    cf != MISSING
                    and cm != MISSING
                    and not _trio_consistent(ch, _alleles_of(cf), _alleles_of(cm))
                ):
                    inconsistent += 1
                elif (cf == MISSING) != (cm == MISSING):
                    one = _alleles_of(cm if cf == MISSING else cf)
                    if not set(one) & set(ch):
                        inconsistent += 1
            fr, mr = self._c_rows[c]
            out.append(
                self._candidate(
                    "trio", (self._ids[fr], self._ids[mr]), self._family[fr], per_locus, inconsistent
                )
            )
        return out, int(rows.size)

    def _exact_trio(self, li: int, q: np.ndarray, cf: int, cm: int) -> float:
        ch = self._child_alleles(q, li)
        assert ch is not None
        typed = {"child": ch}
        if cf != MISSING:
            typed["father"] = _alleles_of(cf)
        if cm != MISSING:
            typed["mother"] = _alleles_of(cm)
        prep = self._prep(li, self._extras(li, [a for g in typed.values() for a in g]))
        codes = {k: np.array([[prep.codes[a], prep.codes[b]]]) for k, (a, b) in typed.items()}
        return float(_pair_lr(TRIO_PEDS, codes, prep, self.theta)[0])

    def _search_families(self, q: np.ndarray) -> tuple[list[Candidate], int]:
        """Families with relatives, batched per family structure through the pedigree engine."""
        groups: dict[tuple[tuple[str, int], ...], list[str]] = {}
        for fam, members in self._families.items():
            if set(members) - set(PARENT_ROLES):
                key = tuple(sorted((r, len(v)) for r, v in members.items()))
                groups.setdefault(key, []).append(fam)
        cands: list[Candidate] = []
        n_total = 0
        for key, fams in groups.items():
            counts = dict(key)
            h1, h2 = family_pedigrees(counts)
            names = [f"{r}{k}" for r, c in key for k in range(c)]
            rows = np.array([[self._families[f][r][k] for r, c in key for k in range(c)] for f in fams])
            per_locus = np.full((len(fams), len(self.loci)), np.nan)
            for li in range(len(self.loci)):
                ch = self._child_alleles(q, li)
                if ch is None:
                    continue
                codes = self._codes[li][rows]
                typed = codes != MISSING
                g = codes % (A * A)
                alle = np.stack([g // A, g % A], axis=-1)
                offtable = (typed[..., None] & (alle >= self._n_table[li])).any(axis=(1, 2))
                sub: dict[tuple[object, ...], list[int]] = {}
                for i in range(len(fams)):
                    if not typed[i].any():
                        continue
                    extra = (
                        self._extras(li, [*ch, *alle[i][typed[i]].ravel().tolist()]) if offtable[i] else ()
                    )
                    sub.setdefault((tuple(typed[i]), extra), []).append(i)
                base_extra = self._extras(li, ch)
                for (mask, extra), idx in sub.items():
                    prep = self._prep(li, tuple(sorted(set(base_extra) | set(extra))))  # type: ignore[arg-type]
                    sel = np.array(idx)
                    typed_codes = {names[j]: prep.codes[alle[sel, j]] for j in range(len(names)) if mask[j]}
                    typed_codes["child"] = np.broadcast_to(
                        np.array([prep.codes[ch[0]], prep.codes[ch[1]]]), (sel.size, 2)
                    )
                    l1 = likelihood(h1, typed_codes, prep.prepared.freqs, prep.mats, self.theta)
                    l2 = likelihood(h2, typed_codes, prep.prepared.freqs, prep.mats, self.theta)
                    per_locus[sel, li] = l1 / l2
            with np.errstate(divide="ignore"):
                score = np.nansum(np.log10(per_locus), axis=1)
            n_total += len(fams)
            for i in _top_rows(score, self.report_threshold, self.n_below):
                fam = fams[int(i)]
                pl = {
                    self.loci[li]: float(per_locus[i, li])
                    for li in range(len(self.loci))
                    if not np.isnan(per_locus[i, li])
                }
                if not pl:
                    continue
                members = {
                    role: [self._row_codes(r) for r in rws] for role, rws in self._families[fam].items()
                }
                _, incons = self._family_lrs(members, q, inconsistency_only=True)
                ids = tuple(self._ids[r] for rws in self._families[fam].values() for r in rws)
                cands.append(self._candidate("family", ids, fam, pl, incons))
        return cands, n_total

    def _row_codes(self, row: int) -> np.ndarray:
        return self._codes[:, row]

    def _family_lrs(
        self, members: Mapping[str, list[np.ndarray]], q: np.ndarray, inconsistency_only: bool = False
    ) -> tuple[dict[str, float], int]:
        """Exact per-locus LR of 'query is the missing child of this family' vs 'unrelated'."""
        per_locus: dict[str, float] = {}
        incons = 0
        for li, locus in enumerate(self.loci):
            ch = self._child_alleles(q, li)
            if ch is None:
                continue
            typed: dict[str, tuple[int, int]] = {}
            for role, code_list in members.items():
                for k, codes in enumerate(code_list):
                    c = int(codes[li])
                    if c != MISSING:
                        typed[f"{role}{k}"] = _alleles_of(c)
            if not typed:
                continue
            h1, h2 = family_pedigrees({r: len(v) for r, v in members.items()})
            extra = self._extras(li, [ch[0], ch[1], *[a for g in typed.values() for a in g]])
            prep = self._prep(li, extra)
            codes = {name: np.array([[prep.codes[a], prep.codes[b]]]) for name, (a, b) in typed.items()}
            codes["child"] = np.array([[prep.codes[ch[0]], prep.codes[ch[1]]]])
            if not inconsistency_only:
                l1 = float(likelihood(h1, codes, prep.prepared.freqs, prep.mats, self.theta)[0])
                l2 = float(likelihood(h2, codes, prep.prepared.freqs, prep.mats, self.theta)[0])
                per_locus[locus] = l1 / l2
            ident = {s: np.eye(prep.prepared.n) for s in SEXES}
            if float(likelihood(h1, codes, prep.prepared.freqs, ident, self.theta)[0]) == 0.0:
                incons += 1
        return per_locus, incons

    def search_family(self, family_id: str) -> SearchResult:
        """Score a stored family (parents and relatives) against every stored child profile."""
        if family_id not in self._families:
            raise IndexError_(f"family {family_id} is not stored")
        members = {
            role: [self._row_codes(r) for r in rows] for role, rows in self._families[family_id].items()
        }
        ids = tuple(self._ids[r] for rows in self._families[family_id].values() for r in rows)
        n = self._n
        children = np.flatnonzero(self._alive[:n] & (self._role[:n] == _ROLE_CODE["child"]))
        kind = "family" if set(members) - set(PARENT_ROLES) else ("trio" if len(members) == 2 else "duo")
        score = np.zeros(children.size)
        compared = np.zeros(children.size, dtype=np.int16)
        tables: list[np.ndarray | None] = []
        for li in range(len(self.loci)):
            t = self._child_table(members, li)
            tables.append(t)
            if t is None:
                continue
            codes = self._codes[li, children]
            with np.errstate(divide="ignore"):
                score += np.log10(t)[codes]
            compared += codes != MISSING
        keep = compared > 0
        rows = children[keep]
        picked = _top_rows(score[keep], self.report_threshold, self.n_below)
        cands = []
        for r in rows[picked]:
            per_locus = {}
            for li, t in enumerate(tables):
                c = int(self._codes[li, r])
                if t is None or c == MISSING:
                    continue
                per_locus[self.loci[li]] = float(t[c])
            _, incons = self._family_lrs(members, self._codes[:, r]) if kind == "family" else ({}, 0)
            if kind != "family":
                incons = sum(1 for lc in per_locus if per_locus[lc] == 0.0)
            cand = self._candidate(kind, ids, family_id, per_locus, incons)
            cand.reference_ids = (self._ids[r], *ids)
            cands.append(cand)
        return SearchResult(family_id, self._select(cands), {kind: int(rows.size)})

    def _child_table(self, members: Mapping[str, list[np.ndarray]], li: int) -> np.ndarray | None:
        """LR of the family as a function of the child's genotype code at one locus."""
        typed: dict[str, tuple[int, int]] = {}
        for role, code_list in members.items():
            for k, codes in enumerate(code_list):
                c = int(codes[li])
                if c != MISSING:
                    typed[f"{role}{k}"] = _alleles_of(c)
        if not typed:
            return None
        n_all = len(self._alleles[li])
        a_idx, b_idx = np.triu_indices(n_all)
        table = np.ones(MISSING + 1)
        h1, h2 = family_pedigrees({r: len(v) for r, v in members.items()})
        fam_alleles = [a for g in typed.values() for a in g]
        groups: dict[tuple[str, ...], list[int]] = {}
        for k, (a, b) in enumerate(zip(a_idx, b_idx, strict=True)):
            groups.setdefault(self._extras(li, [int(a), int(b), *fam_alleles]), []).append(k)
        for extra, ks in groups.items():
            prep = self._prep(li, extra)
            sel = np.array(ks)
            batch = len(sel)
            codes = {
                name: np.broadcast_to(np.array([prep.codes[a], prep.codes[b]]), (batch, 2))
                for name, (a, b) in typed.items()
            }
            codes["child"] = np.stack([prep.codes[a_idx[sel]], prep.codes[b_idx[sel]]], axis=1)
            l1 = likelihood(h1, codes, prep.prepared.freqs, prep.mats, self.theta)
            l2 = likelihood(h2, codes, prep.prepared.freqs, prep.mats, self.theta)
            for s in range(2):
                table[s * A * A + a_idx[sel] * A + b_idx[sel]] = l1 / l2
        return table

    # -------------------------------------------------------------- batches

    def search_children_duo_batch(
        self, profiles: Sequence[Profile], top: int = 10
    ) -> list[list[tuple[str, float]]]:
        """Duo scores of many children at once: sparse one-hot(reference codes) @ per-query log tables.

        Returns, per child, the ``top`` best (profile id, log10 LR) among single parents.
        """
        from scipy import sparse

        n = self._n
        n_loci = len(self.loci)
        width = MISSING + 1
        mask = self._alive[:n] & (
            (self._role[:n] == _ROLE_CODE["father"]) | (self._role[:n] == _ROLE_CODE["mother"])
        )
        rows = np.flatnonzero(mask)
        cols = (self._codes[:, rows].astype(np.int64) + (np.arange(n_loci)[:, None] * width)).T.ravel()
        onehot = sparse.csr_matrix(
            (np.ones(cols.size, dtype=np.float32), cols, np.arange(0, cols.size + 1, n_loci)),
            shape=(rows.size, n_loci * width),
        )
        tables = np.zeros((n_loci * width, len(profiles)), dtype=np.float32)
        for j, prof in enumerate(profiles):
            q = self._encode(prof, 0)
            for li, t in enumerate(self._duo_tables(q)):
                if t is None:
                    continue
                with np.errstate(divide="ignore"):
                    lt = np.maximum(np.log10(t), -300.0)
                lt[MISSING] = 0.0
                tables[li * width : (li + 1) * width, j] = lt
        scores = np.asarray(onehot @ tables)
        out = []
        k = min(top, rows.size)
        for j in range(len(profiles)):
            col = scores[:, j]
            idx = np.argpartition(-col, k - 1)[:k] if k < rows.size else np.arange(rows.size)
            idx = idx[np.argsort(-col[idx], kind="stable")]
            out.append([(self._ids[rows[i]], float(col[i])) for i in idx])
        return out

    # ------------------------------------------------------- duplicates/shards

    def find_duplicates(self, profile: Profile, min_shared: int = 10) -> list[str]:
        """Stored profiles identical to ``profile`` on every shared locus (at least ``min_shared``)."""
        q = self._encode(profile, 0)
        n = self._n
        mismatch = np.zeros(n, dtype=bool)
        shared = np.zeros(n, dtype=np.int16)
        for li in range(len(self.loci)):
            if q[li] == MISSING:
                continue
            codes = self._codes[li, :n]
            typed = codes != MISSING
            shared += typed
            mismatch |= typed & ((codes % (A * A)) != int(q[li]) % (A * A))
        hits = np.flatnonzero(self._alive[:n] & ~mismatch & (shared >= min_shared))
        return [self._ids[r] for r in hits]

    def shards(self, k: int) -> list[ReferenceIndex]:
        """Split into ``k`` indexes (families kept together); searching each and merging is exact."""
        out = [
            ReferenceIndex(
                self.table,
                self.loci,
                self.mutation,
                self.theta,
                self.min_freq,
                self.locus_mutation,
                self.thresholds,
                self.report_threshold,
                self.n_below,
            )
            for _ in range(k)
        ]
        for row in range(self._n):
            if not self._alive[row]:
                continue
            pid = self._ids[row]
            fam = self._family[row]
            shard = _stable_hash(fam if fam is not None else pid) % k
            profile = Profile(genotypes=self._decode(self._codes[:, row]), sex=SEXES[int(self._sex[row])])
            out[shard].add(pid, profile, ROLES[int(self._role[row])], fam)
        return out


def select_candidates(candidates: list[Candidate], report_threshold: float, n_below: int) -> list[Candidate]:
    """All candidates at/above the threshold plus the best ``n_below`` under it, best first."""
    limit = math.log10(report_threshold)
    ordered = sorted(candidates, key=Candidate.key)
    above = [c for c in ordered if c.log10_lr >= limit]
    below = [c for c in ordered if c.log10_lr < limit][:n_below]
    for c in above:
        c.reportable = True
    for c in below:
        c.reportable = False
    return above + below


def merge_results(results: Sequence[SearchResult], report_threshold: float, n_below: int) -> SearchResult:
    """Merge shard results for the same query; identical to searching the union index."""
    cands = [c for r in results for c in r.candidates]
    counts: dict[str, int] = {}
    for r in results:
        for k, v in r.n_compared.items():
            counts[k] = counts.get(k, 0) + v
    return SearchResult(
        results[0].query_id if results else None, select_candidates(cands, report_threshold, n_below), counts
    )


def _top_rows(score: np.ndarray, report_threshold: float, n_below: int) -> np.ndarray:
    """Indices of rows at/above threshold plus the best ``n_below`` below it."""
    limit = math.log10(report_threshold)
    # float32 sums: widen the cut slightly, exact values are recomputed for the picked rows.
    above = np.flatnonzero(score >= limit - 1e-3)
    below_idx = np.flatnonzero(score < limit - 1e-3)
    k = min(n_below + 1, below_idx.size)
    if k:
        part = (
            np.argpartition(-score[below_idx], k - 1)[:k] if k < below_idx.size else np.arange(below_idx.size)
        )
        below_idx = below_idx[part]
    else:
        below_idx = below_idx[:0]
    return np.concatenate([above, below_idx])


def _alleles_of(code: int) -> tuple[int, int]:
    g = code % (A * A)
    return g // A, g % A


def _trio_consistent(ch: tuple[int, int], fa: tuple[int, int], mo: tuple[int, int]) -> bool:
    c1, c2 = ch
    return (c1 in fa and c2 in mo) or (c2 in fa and c1 in mo)


def _trio_locus_lr(tab: tuple[np.ndarray, ...], cf: np.ndarray, cm: np.ndarray, theta: float) -> np.ndarray:
    """Per-couple LR at one locus from per-code tables; NaN where the exact engine must decide."""
    t1, t2, k1, k2, r_female, p, hom = tab
    f1, f2 = t1[cf], t2[cf]
    m1, m2 = t1[cm], t2[cm]
    m_miss = cm == MISSING
    if m_miss.any():
        # The MISSING slot of t1/t2 holds the untyped *father's* transmission; fix the mother's.
        m1 = np.where(m_miss, r_female[0], m1)
        m2 = np.where(m_miss, r_female[1], m2)
    het = 1.0 - hom[0]
    num = f1 * m2 + het * f2 * m1
    if theta == 0.0:
        return num / ((1.0 + het) * p[0] * p[1])
    n1 = k1[cf] + k1[cm]
    n2 = k2[cf] + k2[cm] + hom[0]
    g1 = (theta * n1 + (1 - theta) * p[0]) / (1 + 3 * theta)
    g2 = (theta * n2 + (1 - theta) * p[1]) / (1 + 4 * theta)
    out = num / ((1.0 + het) * g1 * g2)
    # With θ the untyped parent's alleles join the urn: leave those to the exact engine.
    out[(cf == MISSING) | m_miss] = np.nan
    return out


def _pair_lr(
    peds: tuple[Pedigree, Pedigree], codes: Mapping[str, np.ndarray], prep: _Prep, theta: float
) -> np.ndarray:
    l1 = likelihood(peds[0], codes, prep.prepared.freqs, prep.mats, theta)
    l2 = likelihood(peds[1], codes, prep.prepared.freqs, prep.mats, theta)
    return l1 / l2


def _duo_peds(sex: str) -> tuple[Pedigree, Pedigree]:
    other = "female" if sex == "male" else "male"
    fa, mo = ("parent", "_o") if sex == "male" else ("_o", "parent")
    h1 = Pedigree([Person("parent", sex), Person("_o", other), Person("child", "male", fa, mo)])
    h2 = Pedigree([Person("parent", sex), Person("child", "male")])
    return h1, h2


DUO_PEDS = {sex: _duo_peds(sex) for sex in SEXES}
TRIO_PEDS = (
    Pedigree(
        [Person("father", "male"), Person("mother", "female"), Person("child", "male", "father", "mother")]
    ),
    Pedigree([Person("father", "male"), Person("mother", "female"), Person("child", "male")]),
)


def family_pedigrees(counts: Mapping[str, int]) -> tuple[Pedigree, Pedigree]:
    """H1: 'child' is the missing child of the family; H2: 'child' unrelated. Members named role+k."""
    paternal = any(counts.get(r, 0) for r in RELATIVE_ROLES if r.startswith("paternal_"))
    maternal = any(counts.get(r, 0) for r in RELATIVE_ROLES if r.startswith("maternal_"))
    fam: list[Person] = []
    if paternal:
        fam += [Person("_pgf", "male"), Person("_pgm", "female")]
        fam.append(Person("father0", "male", "_pgf", "_pgm"))
    else:
        fam.append(Person("father0", "male"))
    if maternal:
        fam += [Person("_mgf", "male"), Person("_mgm", "female")]
        fam.append(Person("mother0", "female", "_mgf", "_mgm"))
    else:
        fam.append(Person("mother0", "female"))
    for k in range(counts.get("sibling", 0)):
        fam.append(Person(f"sibling{k}", "male", "father0", "mother0"))
    rename = {
        "paternal_grandfather": "_pgf",
        "paternal_grandmother": "_pgm",
        "maternal_grandfather": "_mgf",
        "maternal_grandmother": "_mgm",
    }
    for role, base in rename.items():
        if counts.get(role, 0) > 1:
            raise IndexError_(f"at most one {role} per family")
        if counts.get(role, 0):
            fam = [_renamed(p, base, f"{role}0") for p in fam]
    for side, gf, gm in (
        ("paternal", "paternal_grandfather0", "paternal_grandmother0"),
        ("maternal", "maternal_grandfather0", "maternal_grandmother0"),
    ):
        names = {p.name for p in fam}
        gfn = gf if gf in names else ("_pgf" if side == "paternal" else "_mgf")
        gmn = gm if gm in names else ("_pgm" if side == "paternal" else "_mgm")
        for rel, sex in (("uncle", "male"), ("aunt", "female")):
            for k in range(counts.get(f"{side}_{rel}", 0)):
                fam.append(Person(f"{side}_{rel}{k}", sex, gfn, gmn))
    for role in ("father", "mother"):
        if counts.get(role, 0) > 1:
            raise IndexError_(f"at most one {role} per family")
    h1 = Pedigree([*fam, Person("child", "male", "father0", "mother0")])
    h2 = Pedigree([*fam, Person("child", "male")])
    return h1, h2


def _renamed(p: Person, old: str, new: str) -> Person:
    return Person(
        new if p.name == old else p.name,
        p.sex,
        new if p.father == old else p.father,
        new if p.mother == old else p.mother,
    )


def _num_key(label: str) -> tuple[int, float, str]:
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def _stable_hash(text: str) -> int:
    import zlib

    return zlib.crc32(text.encode("utf-8"))
