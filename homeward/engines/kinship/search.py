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
GENO_SPARE = 6  # room for unseen alleles in the compact couple code before the exact fallback
JOINT_SPECIAL = np.uint32(0xFFFFFFFF)
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


class SearchIndexError(ValueError):
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
                raise SearchIndexError(f"locus {locus} is not in frequency table {table.name}")
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
        if n_loci > 64:
            raise SearchIndexError("at most 64 loci per index")
        self._n = 0
        self._codes = np.full((n_loci, initial_capacity), MISSING, dtype=np.uint16)
        self._alive = np.zeros(initial_capacity, dtype=bool)
        self._role = np.zeros(initial_capacity, dtype=np.uint8)
        self._sex = np.zeros(initial_capacity, dtype=np.uint8)
        self._tmask = np.zeros(initial_capacity, dtype=np.uint64)
        self._ids: list[str] = []
        self._family: list[str | None] = []
        self._row: dict[str, int] = {}
        self._families: dict[str, dict[str, list[int]]] = {}
        self._fingerprints: dict[tuple[tuple[int, int], ...], set[str]] = {}
        # Couples (father row, mother row) as their own contiguous code arrays.
        self._nc = 0
        # Joint couple code per locus: compact father genotype * G + compact mother genotype.
        self._gcap = [n + GENO_SPARE for n in self._n_table]
        self._G = [g * (g + 1) // 2 + 1 for g in self._gcap]
        self._cj = np.zeros((n_loci, 256), dtype=np.uint32)
        self._c_alive = np.zeros(256, dtype=bool)
        self._c_rows = np.zeros((2, 256), dtype=np.int64)  # (father row, mother row) per couple
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
                locus = self.loci[li]
                raise SearchIndexError(
                    f"locus {locus}: allele {allele} is not in the frequency table (no min_freq)"
                )
            code = len(self._alleles[li])
            if code >= A:
                raise SearchIndexError(f"locus {self.loci[li]}: more than {A} distinct alleles")
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
        for name in ("_alive", "_role", "_sex", "_tmask"):
            old = getattr(self, name)
            arr = np.zeros(new, dtype=old.dtype)
            arr[:cap] = old
            setattr(self, name, arr)

    def add(self, profile_id: str, profile: Profile, role: str, family_id: str | None = None) -> list[str]:
        """Store a profile; returns ids of stored profiles with identical genotypes (duplicates)."""
        if role not in _ROLE_CODE:
            raise SearchIndexError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        if profile_id in self._row:
            raise SearchIndexError(f"profile {profile_id} is already stored")
        sex = {"father": 0, "mother": 1}.get(role, 1 if profile.sex == "female" else 0)
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
        self._tmask[row] = self._typed_mask(codes[:, None])[0]
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

    def add_arrays(
        self,
        ids: Sequence[str],
        genotypes: Mapping[str, np.ndarray],
        alleles: Mapping[str, Sequence[str]],
        role: str,
        family_ids: Sequence[str] | None = None,
        sex: str | None = None,
    ) -> None:
        """Bulk load: ``genotypes[locus]`` is (N, 2) indices into ``alleles[locus]`` (-1 = untyped).

        Skips the per-profile duplicate fingerprint (use ``find_duplicates``); couples are formed
        for families that end up with exactly one father and one mother.
        """
        if role not in _ROLE_CODE:
            raise SearchIndexError(f"unknown role {role!r}")
        n_new = len(ids)
        s = 0 if role == "father" else 1 if role == "mother" else (1 if sex == "female" else 0)
        block = np.full((len(self.loci), n_new), MISSING, dtype=np.uint16)
        for locus, arr in genotypes.items():
            li = self._locus_pos.get(locus)
            if li is None:
                continue
            lut = np.array([self._allele_code(li, a) for a in alleles[locus]], dtype=np.int64)
            arr = np.asarray(arr)
            typed = (arr >= 0).all(axis=1)
            ca = lut[np.where(typed, arr[:, 0], 0)]
            cb = lut[np.where(typed, arr[:, 1], 0)]
            lo, hi = np.minimum(ca, cb), np.maximum(ca, cb)
            block[li] = np.where(typed, s * A * A + lo * A + hi, MISSING).astype(np.uint16)
        start = self._n
        self._grow(start + n_new)
        self._codes[:, start : start + n_new] = block
        self._alive[start : start + n_new] = True
        self._role[start : start + n_new] = _ROLE_CODE[role]
        self._sex[start : start + n_new] = s
        self._tmask[start : start + n_new] = self._typed_mask(block)
        self._n = start + n_new
        self._ids.extend(ids)
        fams: list[str | None] = list(family_ids) if family_ids is not None else [None] * n_new
        self._family.extend(fams)
        for k, pid in enumerate(ids):
            if pid in self._row:
                raise SearchIndexError(f"profile {pid} is already stored")
            self._row[pid] = start + k
        if family_ids is None or role == "child":
            return
        ready: list[tuple[str, int, int]] = []
        for k, fam in enumerate(fams):
            assert fam is not None
            members = self._families.setdefault(fam, {})
            members.setdefault(role, []).append(start + k)
            fa, mo = members.get("father", []), members.get("mother", [])
            if len(fa) == 1 and len(mo) == 1 and fam not in self._c_of_family:
                ready.append((fam, fa[0], mo[0]))
        if not ready:
            return
        need = self._nc + len(ready)
        self._grow_couples(need)
        frows = np.array([r[1] for r in ready])
        mrows = np.array([r[2] for r in ready])
        c0 = self._nc
        self._cj[:, c0:need] = self._joint(self._codes[:, frows], self._codes[:, mrows])
        self._c_alive[c0:need] = True
        self._c_rows[0, c0:need] = frows
        self._c_rows[1, c0:need] = mrows
        for k, (fam, _, _) in enumerate(ready):
            self._c_of_family[fam] = c0 + k
        self._nc = need

    def remove(self, profile_id: str) -> None:
        row = self._row.pop(profile_id, None)
        if row is None:
            raise SearchIndexError(f"profile {profile_id} is not stored")
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
            self._grow_couples(self._nc + 1)
            c = self._nc
            self._nc += 1
            self._cj[:, c : c + 1] = self._joint(
                self._codes[:, fathers[0]][:, None], self._codes[:, mothers[0]][:, None]
            )
            self._c_alive[c] = True
            self._c_rows[:, c] = (fathers[0], mothers[0])
            self._c_of_family[family_id] = c

    def _grow_couples(self, need: int) -> None:
        cap = self._cj.shape[1]
        if need <= cap:
            return
        new = max(need, cap * 2)
        cj = np.zeros((len(self.loci), new), dtype=np.uint32)
        cj[:, :cap] = self._cj
        self._cj = cj
        alive = np.zeros(new, dtype=bool)
        alive[:cap] = self._c_alive[:cap]
        self._c_alive = alive
        c_rows = np.zeros((2, new), dtype=np.int64)
        c_rows[:, :cap] = self._c_rows
        self._c_rows = c_rows

    def _joint(self, fcodes: np.ndarray, mcodes: np.ndarray) -> np.ndarray:
        """(L, N) father/mother reference codes -> (L, N) joint compact couple codes."""
        out = np.empty(fcodes.shape, dtype=np.uint32)
        for li in range(len(self.loci)):
            gf = self._compact(li, fcodes[li])
            gm = self._compact(li, mcodes[li])
            joint = gf.astype(np.int64) * self._G[li] + gm
            bad = (gf < 0) | (gm < 0)
            out[li] = np.where(bad, JOINT_SPECIAL, joint).astype(np.uint32)
        return out

    def _compact(self, li: int, codes: np.ndarray) -> np.ndarray:
        """Reference code -> compact genotype index b(b+1)/2 + a (G-1 = untyped, -1 = beyond capacity)."""
        codes = np.asarray(codes).astype(np.int64)
        g = codes % (A * A)
        a, b = g // A, g % A
        idx = b * (b + 1) // 2 + a
        idx = np.where(b >= self._gcap[li], -1, idx)
        return np.where(codes == MISSING, self._G[li] - 1, idx)

    def memory_bytes(self) -> int:
        """Bytes held in the numpy arrays (excluding Python id strings and dicts)."""
        return int(
            self._codes.nbytes
            + self._alive.nbytes
            + self._role.nbytes
            + self._sex.nbytes
            + self._tmask.nbytes
            + self._cj.nbytes
            + self._c_rows.nbytes
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

    def _query_mask(self, q: np.ndarray) -> np.uint64:
        return np.uint64(sum(1 << li for li in range(len(self.loci)) if q[li] != MISSING))

    @staticmethod
    def _typed_mask(codes: np.ndarray) -> np.ndarray:
        """Bit li set when locus li is typed; codes is (L, N)."""
        bits = np.zeros(codes.shape[1], dtype=np.uint64)
        for li in range(codes.shape[0]):
            bits |= (codes[li] != MISSING).astype(np.uint64) << np.uint64(li)
        return bits

    def _child_alleles(self, q: np.ndarray, li: int) -> tuple[int, int] | None:
        c = int(q[li])
        if c == MISSING:
            return None
        g = c % (A * A)
        return g // A, g % A

    def _pair_groups(
        self, li: int, fixed: Sequence[int]
    ) -> list[tuple[tuple[str, ...], np.ndarray, np.ndarray]]:
        """All parent genotypes (a <= b) grouped by the prepared locus their pair with ``fixed`` needs."""
        n_all = len(self._alleles[li])
        a_idx, b_idx = np.triu_indices(n_all)
        base = self._extras(li, fixed)
        known = np.zeros(n_all, dtype=bool)
        known[: self._n_table[li]] = True
        known[[self._acode[li][x] for x in base]] = True
        regular = known[a_idx] & known[b_idx]
        groups = [(base, a_idx[regular], b_idx[regular])]
        odd: dict[tuple[str, ...], list[int]] = {}
        for k in np.flatnonzero(~regular):
            odd.setdefault(self._extras(li, [*fixed, int(a_idx[k]), int(b_idx[k])]), []).append(int(k))
        for extra, ks in odd.items():
            groups.append((extra, a_idx[ks], b_idx[ks]))
        return groups

    def _duo_tables(self, q: np.ndarray) -> list[np.ndarray | None]:
        """Per locus: LR for every reference code (sex-baked) against the child; None if child untyped."""
        tables: list[np.ndarray | None] = []
        for li in range(len(self.loci)):
            ch = self._child_alleles(q, li)
            tables.append(None if ch is None else self._duo_table(li, ch))
        return tables

    def _duo_table(self, li: int, ch: tuple[int, int]) -> np.ndarray:
        table = np.ones(MISSING + 1)
        for extra, a_idx, b_idx in self._pair_groups(li, ch):
            prep = self._prep(li, extra)
            pa, pb = prep.codes[a_idx], prep.codes[b_idx]
            d1, d2 = int(prep.codes[ch[0]]), int(prep.codes[ch[1]])
            for s, sex in enumerate(SEXES):
                table[s * A * A + a_idx * A + b_idx] = duo_lr_closed(prep, sex, pa, pb, d1, d2, self.theta)
        return table

    def _search_duo(self, q: np.ndarray) -> tuple[list[Candidate], int]:
        n = self._n
        tables = self._duo_tables(q)
        score = np.zeros(n, dtype=np.float32)
        for li, t in enumerate(tables):
            if t is None:
                continue
            with np.errstate(divide="ignore"):
                lt = np.maximum(np.log10(t), -300.0).astype(np.float32)
            lt[MISSING] = 0.0
            score += lt[self._codes[li, :n]]
        mask = self._alive[:n] & (
            (self._role[:n] == _ROLE_CODE["father"]) | (self._role[:n] == _ROLE_CODE["mother"])
        )
        mask &= (self._tmask[:n] & self._query_mask(q)) != 0
        picked = _top_rows(score, self.report_threshold, self.n_below, mask)
        out = []
        for r in picked:
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
        return out, int(mask.sum())

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

    def _trio_tables(self, q: np.ndarray) -> list[np.ndarray | None]:
        """Per locus: LR for every joint couple code (flattened G x G, plus a NaN sentinel).

        Entries the table cannot give exactly are NaN (genotypes with alleles outside the child's
        prepared locus, or an untyped parent when θ > 0); those couples go to the exact engine.
        """
        out: list[np.ndarray | None] = []
        th = self.theta
        for li in range(len(self.loci)):
            ch = self._child_alleles(q, li)
            if ch is None:
                out.append(None)
                continue
            base = self._prep(li, self._extras(li, ch))
            big = self._G[li]
            gcap = self._gcap[li]
            bb, aa = np.tril_indices(gcap)  # row-major tril: index b(b+1)/2 + a with a <= b
            n_all = len(self._alleles[li])
            valid = (aa < n_all) & (bb < n_all)
            pa = np.where(valid, base.codes[np.minimum(aa, n_all - 1)], -1)
            pb = np.where(valid, base.codes[np.minimum(bb, n_all - 1)], -1)
            valid &= (pa >= 0) & (pb >= 0)
            pa, pb = np.where(valid, pa, 0), np.where(valid, pb, 0)
            d1, d2 = int(base.codes[ch[0]]), int(base.codes[ch[1]])
            p = base.prepared.freqs
            het = float(d1 != d2)
            vec: dict[str, list[np.ndarray]] = {}
            for sex in SEXES:
                m = base.mats[sex]
                r = p @ m
                t1 = np.append(
                    np.where(valid, 0.5 * (m[pa, d1] + m[pb, d1]), np.nan), r[d1] if th == 0 else np.nan
                )
                t2 = np.append(
                    np.where(valid, 0.5 * (m[pa, d2] + m[pb, d2]), np.nan), r[d2] if th == 0 else np.nan
                )
                k1 = np.append((pa == d1).astype(float) + (pb == d1), 0.0)
                k2 = np.append((pa == d2).astype(float) + (pb == d2), 0.0)
                vec[sex] = [t1, t2, k1, k2]
            f1, f2, fk1, fk2 = vec["male"]
            m1, m2, mk1, mk2 = vec["female"]
            num = np.outer(f1, m2) + het * np.outer(f2, m1) if het else np.outer(f1, m1)
            if th == 0.0:
                table = num / ((1.0 + het) * p[d1] * p[d2])
            else:
                n1 = fk1[:, None] + mk1[None, :]
                n2 = fk2[:, None] + mk2[None, :] + (1.0 - het)
                g1 = (th * n1 + (1 - th) * p[d1]) / (1 + 3 * th)
                g2 = (th * n2 + (1 - th) * p[d2]) / (1 + 4 * th)
                table = num / ((1.0 + het) * g1 * g2)
            assert table.shape == (big, big)
            out.append(np.append(table.ravel(), np.nan))
        return out

    def _search_trio(self, q: np.ndarray) -> tuple[list[Candidate], int]:
        nc = self._nc
        alive = self._c_alive[:nc]
        if nc == 0 or not alive.any():
            return [], 0
        tables = self._trio_tables(q)
        score = np.zeros(nc, dtype=np.float32)
        for li, t in enumerate(tables):
            if t is None:
                continue
            with np.errstate(divide="ignore"):
                lt = np.log10(t).astype(np.float32)
            score += np.take(lt, self._cj[li, :nc], mode="clip")
        score64 = score.astype(np.float64)
        for c in np.flatnonzero(np.isnan(score) & alive):
            vals = self._trio_per_locus(tables, q, int(c))[0].values()
            score64[c] = sum(math.log10(v) if v > 0 else -math.inf for v in vals)
        rows = np.flatnonzero(alive)
        picked = _top_rows(score64[rows], self.report_threshold, self.n_below)
        out = []
        for c in rows[picked]:
            per_locus, inconsistent = self._trio_per_locus(tables, q, int(c))
            fr, mr = (int(x) for x in self._c_rows[:, c])
            out.append(
                self._candidate(
                    "trio", (self._ids[fr], self._ids[mr]), self._family[fr], per_locus, inconsistent
                )
            )
        return out, int(rows.size)

    def _trio_per_locus(
        self, tables: list[np.ndarray | None], q: np.ndarray, c: int
    ) -> tuple[dict[str, float], int]:
        per_locus: dict[str, float] = {}
        inconsistent = 0
        fr, mr = (int(x) for x in self._c_rows[:, c])
        for li, t in enumerate(tables):
            cf, cm = int(self._codes[li, fr]), int(self._codes[li, mr])
            if t is None or (cf == MISSING and cm == MISSING):
                continue
            j = int(self._cj[li, c])
            lr = float(t[min(j, t.size - 1)])
            if math.isnan(lr):
                lr = self._exact_trio(li, q, cf, cm)
            per_locus[self.loci[li]] = lr
            ch = self._child_alleles(q, li)
            assert ch is not None
            if cf != MISSING and cm != MISSING:
                if not _trio_consistent(ch, _alleles_of(cf), _alleles_of(cm)):
                    inconsistent += 1
            elif not set(_alleles_of(cm if cf == MISSING else cf)) & set(ch):
                inconsistent += 1
        return per_locus, inconsistent

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
            rows = np.array([[self._families[f][r][k] for r, c in key for k in range(c)] for f in fams])
            per_locus = self._family_pass(key, rows, q)
            with np.errstate(divide="ignore"):
                score = np.nansum(np.log10(per_locus), axis=1)
            n_total += len(fams)
            picked = _top_rows(score, self.report_threshold, self.n_below)
            # Mendelian inconsistencies (H1 impossible without mutation), for the picked families only.
            h1_plain = self._family_pass(key, rows[picked], q, no_mutation=True)
            for j, i in enumerate(picked):
                fam = fams[int(i)]
                pl = {
                    self.loci[li]: float(per_locus[i, li])
                    for li in range(len(self.loci))
                    if not np.isnan(per_locus[i, li])
                }
                if not pl:
                    continue
                incons = int(np.sum(h1_plain[j] == 0.0))
                ids = tuple(self._ids[r] for rws in self._families[fam].values() for r in rws)
                cands.append(self._candidate("family", ids, fam, pl, incons))
        return cands, n_total

    def _family_pass(
        self, key: tuple[tuple[str, int], ...], rows: np.ndarray, q: np.ndarray, no_mutation: bool = False
    ) -> np.ndarray:
        """Per family (rows of member row numbers) and locus: LR, or H1 likelihood without mutation."""
        h1, h2 = family_pedigrees(dict(key))
        names = [f"{r}{k}" for r, c in key for k in range(c)]
        out = np.full((rows.shape[0], len(self.loci)), np.nan)
        if rows.shape[0] == 0:
            return out
        for li in range(len(self.loci)):
            ch = self._child_alleles(q, li)
            if ch is None:
                continue
            codes = self._codes[li][rows]
            typed = codes != MISSING
            g = codes % (A * A)
            alle = np.stack([g // A, g % A], axis=-1)
            offtable = (typed[..., None] & (alle >= self._n_table[li])).any(axis=(1, 2))
            sub: dict[tuple[tuple[bool, ...], tuple[str, ...]], list[int]] = {}
            # Group families by which members are typed here (bit pattern), vectorised; the rare
            # families with unseen alleles get their own prepared locus.
            pattern = typed.astype(np.int64) @ (np.int64(1) << np.arange(typed.shape[1], dtype=np.int64))
            regular = (pattern != 0) & ~offtable
            for code in np.unique(pattern[regular]):
                idx_arr = np.flatnonzero(regular & (pattern == code))
                bits = tuple(bool((int(code) >> j) & 1) for j in range(typed.shape[1]))
                sub[(bits, ())] = idx_arr.tolist()
            for i in np.flatnonzero(offtable & (pattern != 0)):
                extra = self._extras(li, [*ch, *alle[i][typed[i]].ravel().tolist()])
                sub.setdefault((tuple(bool(x) for x in typed[i]), extra), []).append(int(i))
            base_extra = self._extras(li, ch)
            for (mask, extra), idx in sub.items():
                prep = self._prep(li, tuple(sorted(set(base_extra) | set(extra), key=_num_key)))
                sel = np.array(idx)
                geno = {names[j]: prep.codes[alle[sel, j]] for j in range(len(names)) if mask[j]}
                geno["child"] = np.broadcast_to(
                    np.array([prep.codes[ch[0]], prep.codes[ch[1]]]), (sel.size, 2)
                )
                if no_mutation:
                    ident = {sx: np.eye(prep.prepared.n) for sx in SEXES}
                    out[sel, li] = likelihood(h1, geno, prep.prepared.freqs, ident, self.theta)
                    continue
                l1 = likelihood(h1, geno, prep.prepared.freqs, prep.mats, self.theta)
                l2 = likelihood(h2, geno, prep.prepared.freqs, prep.mats, self.theta)
                out[sel, li] = l1 / l2
        return out

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
            geno = {name: np.array([[prep.codes[a], prep.codes[b]]]) for name, (a, b) in typed.items()}
            geno["child"] = np.array([[prep.codes[ch[0]], prep.codes[ch[1]]]])
            if not inconsistency_only:
                l1 = float(likelihood(h1, geno, prep.prepared.freqs, prep.mats, self.theta)[0])
                l2 = float(likelihood(h2, geno, prep.prepared.freqs, prep.mats, self.theta)[0])
                per_locus[locus] = l1 / l2
            ident = {s: np.eye(prep.prepared.n) for s in SEXES}
            if float(likelihood(h1, geno, prep.prepared.freqs, ident, self.theta)[0]) == 0.0:
                incons += 1
        return per_locus, incons

    def search_family(self, family_id: str) -> SearchResult:
        """Score a stored family (parents and relatives) against every stored child profile."""
        if family_id not in self._families:
            raise SearchIndexError(f"family {family_id} is not stored")
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
            _, incons = self._family_lrs(members, self._codes[:, r], inconsistency_only=True)
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
        for extra, a_idx, b_idx in self._pair_groups(li, fam_alleles):
            prep = self._prep(li, extra)
            batch = len(a_idx)
            geno = {
                name: np.broadcast_to(np.array([prep.codes[a], prep.codes[b]]), (batch, 2))
                for name, (a, b) in typed.items()
            }
            geno["child"] = np.stack([prep.codes[a_idx], prep.codes[b_idx]], axis=1)
            l1 = likelihood(h1, geno, prep.prepared.freqs, prep.mats, self.theta)
            l2 = likelihood(h2, geno, prep.prepared.freqs, prep.mats, self.theta)
            for s in range(2):
                table[s * A * A + a_idx * A + b_idx] = l1 / l2
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
        # A per-locus table depends only on the child's genotype there: share it across the batch.
        cache: dict[tuple[int, int], np.ndarray] = {}
        out: list[list[tuple[str, float]]] = []
        k = min(top, rows.size)
        block = 64
        for start in range(0, len(profiles), block):
            chunk = profiles[start : start + block]
            tables_t = np.zeros((len(chunk), n_loci * width), dtype=np.float32)  # row-wise writes are cheap
            for j, prof in enumerate(chunk):
                q = self._encode(prof, 0)
                for li in range(n_loci):
                    ch = self._child_alleles(q, li)
                    if ch is None:
                        continue
                    key = (li, int(q[li]) % (A * A))
                    lt = cache.get(key)
                    if lt is None:
                        with np.errstate(divide="ignore"):
                            lt = np.maximum(np.log10(self._duo_table(li, ch)), -300.0).astype(np.float32)
                        lt[MISSING] = 0.0
                        cache[key] = lt
                    tables_t[j, li * width : (li + 1) * width] = lt
            scores = np.asarray(onehot @ np.ascontiguousarray(tables_t.T))
            for j in range(len(chunk)):
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


def _top_rows(
    score: np.ndarray, report_threshold: float, n_below: int, mask: np.ndarray | None = None
) -> np.ndarray:
    """Indices of (masked-in) rows at/above threshold plus the best ``n_below`` + 1 below it."""
    limit = math.log10(report_threshold)
    if mask is not None:
        score = np.where(mask, score, -np.inf)
    # float32 sums: widen the cut slightly, exact values are recomputed for the picked rows.
    above = np.flatnonzero(score >= limit - 1e-3)
    k = min(above.size + n_below + 1, score.size)
    if k == 0:
        return above
    part = np.argpartition(-score, k - 1)[:k] if k < score.size else np.arange(score.size)
    picked = np.union1d(above, part)
    if mask is not None:
        picked = picked[mask[picked]]
    return picked[score[picked] > -np.inf] if mask is not None else picked


def _alleles_of(code: int) -> tuple[int, int]:
    g = code % (A * A)
    return g // A, g % A


def _trio_consistent(ch: tuple[int, int], fa: tuple[int, int], mo: tuple[int, int]) -> bool:
    c1, c2 = ch
    return (c1 in fa and c2 in mo) or (c2 in fa and c1 in mo)


def duo_lr_closed(
    prep: _Prep, sex: str, pa: np.ndarray, pb: np.ndarray, d1: int, d2: int, theta: float
) -> np.ndarray:
    """Duo LR for parent genotypes (pa, pb) and child (d1, d2): the pedigree engine's result in closed form.

    H1: child of the parent and an untyped founder of the other sex; with θ the untyped allele
    is drawn from the urn after the parent's two alleles. H2: both unrelated (joint urn).
    """
    other = "female" if sex == "male" else "male"
    ms, mo = prep.mats[sex], prep.mats[other]
    p = prep.prepared.freqs
    r = p @ mo
    het = float(d1 != d2)
    t1 = 0.5 * (ms[pa, d1] + ms[pb, d1])
    t2 = 0.5 * (ms[pa, d2] + ms[pb, d2])
    g1 = (theta * (mo[pa, d1] + mo[pb, d1]) + (1 - theta) * r[d1]) / (1 + theta)
    g2 = (theta * (mo[pa, d2] + mo[pb, d2]) + (1 - theta) * r[d2]) / (1 + theta)
    num = t1 * g2 + het * t2 * g1
    n1 = (pa == d1).astype(float) + (pb == d1)
    n2 = (pa == d2).astype(float) + (pb == d2) + (1.0 - het)
    q1 = (theta * n1 + (1 - theta) * p[d1]) / (1 + theta)
    q2 = (theta * n2 + (1 - theta) * p[d2]) / (1 + 2 * theta)
    return num / ((1.0 + het) * q1 * q2)


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
            raise SearchIndexError(f"at most one {role} per family")
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
            raise SearchIndexError(f"at most one {role} per family")
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
