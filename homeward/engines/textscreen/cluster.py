"""Grouping posts into seller campaigns: near-duplicate text (MinHash LSH) plus shared contacts.

Sellers repost one template under many accounts, changing the phone or WeChat ID and a few words.
Two links put posts in one group (union-find):

1. near-duplicate text: MinHash signatures of character shingles of the normalised text with digit
   and Latin runs masked (so a changed contact does not make posts look different), indexed by LSH
   banding; candidates are confirmed by the estimated Jaccard similarity;
2. a shared contact (phone, WeChat, QQ, ID number, bank card), even when the wording differs.

Signatures are computed for whole batches with numpy, using exactly datasketch's ``affine32``
scheme (``MinHash(num_perm, seed, hashfunc=shingle_hash, scheme="affine32")`` gives the same values
one shingle at a time), so a million posts can be signed in a minute.

Two interchangeable LSH indexes hold the signatures, with the same banding (``b`` bands of ``r``
rows, chosen by datasketch's optimiser for the candidate threshold) and so the same candidates:
``index="datasketch"`` is ``datasketch.MinHashLSH`` itself; ``index="bands"`` (default) keeps the
band keys of a whole batch as bytes computed in one numpy view and looks them up in plain dicts,
about five times cheaper per post than ``MinHashLSH.query``'s per-band Python work, which would
dominate a million-post run.

Only prototypes are inserted into the LSH index: a post that is a near duplicate of an indexed post
(similarity >= ``represented_at``, by default the linking threshold) is linked to it but not
indexed.  Buckets then hold mutually dissimilar prototypes only, so a query stays cheap even for
campaigns of thousands of posts; the price is that a post similar only to a non-indexed member of a
group (a drifting chain of edits) is not linked by text.

:meth:`Clusterer.template` aligns the posts of a group and shows what stays the same (the template)
and what changes (the slots: contacts, prices, places).
"""

from __future__ import annotations

import difflib
import operator
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from .normalise import normalise

__all__ = ["Clusterer", "Template", "mask_for_shingles", "shingle_hash", "signatures"]

_MASK_RE = re.compile(r"[0-9]+|[a-z][a-z0-9]*")
_DROP_RE = re.compile(r"[^\w]|_", re.UNICODE)
_CUE_RE = re.compile(r"联系电话|电话|手机|座机|微信号?|qq号?|tel|call|wx")
_CN_AMOUNT_RE = re.compile(r"[零〇一二两三四五六七八九十百]+(?=[万千元块])")

_P1 = np.uint32(0x01000193)  # FNV prime: mixes code points position-dependently
_M32 = 0xFFFFFFFF


def mask_for_shingles(norm_text: str) -> str:
    """Contacts, contact cue words and numbers become placeholders; spaces and punctuation are dropped.

    Posts of one campaign differ exactly there (a new phone instead of a WeChat ID, "五万" instead of
    "5万"), so masking makes them near-identical while the wording that identifies a seller remains.
    """
    text = _DROP_RE.sub("", norm_text)
    text = _CUE_RE.sub("~", text)
    text = _CN_AMOUNT_RE.sub("#", text)
    return _MASK_RE.sub(lambda m: "#" if m.group()[0].isdigit() else "@", text)


def shingle_hash(shingle: bytes | str) -> int:
    """32-bit hash of one shingle (reference implementation of the vectorised version)."""
    s = shingle.decode("utf-8") if isinstance(shingle, bytes) else shingle
    h = 0
    for ch in s:
        h = ((h * 0x01000193) ^ ord(ch)) & _M32
    return h


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return np.asarray(h ^ (h >> np.uint32(16)))


@dataclass(frozen=True, slots=True)
class _Perm:
    a: np.ndarray
    b: np.ndarray
    seed: int
    num_perm: int


def _permutations(num_perm: int, seed: int) -> _Perm:
    ref = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=shingle_hash)
    a, b = ref.permutations
    return _Perm(np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32), seed, num_perm)


def signatures(masked: Sequence[str], k: int, perm: _Perm) -> np.ndarray:
    """MinHash signatures (n, num_perm) uint32 of the character k-gram sets of ``masked`` texts.

    Texts shorter than ``k`` hash as one shingle; empty texts get the all-max signature.
    """
    n = len(masked)
    out = np.full((n, perm.num_perm), np.uint32(_M32), dtype=np.uint32)
    if n == 0:
        return out
    cps = [np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32) for t in masked]
    lens = np.fromiter((len(c) for c in cps), dtype=np.int64, count=n)
    flat = np.concatenate(cps) if cps else np.zeros(0, np.uint32)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    # Shingle start positions: every position with k chars left in its own text.
    n_sh = np.where(lens >= k, lens - k + 1, np.where(lens > 0, 1, 0))
    first = np.repeat(starts, n_sh)
    offs = np.arange(int(n_sh.sum()), dtype=np.int64) - np.repeat(np.cumsum(n_sh) - n_sh, n_sh)
    pos = first + offs
    width = np.minimum(np.repeat(lens, n_sh), k)
    h = np.zeros(len(pos), dtype=np.uint32)
    for j in range(k):
        take = j < width
        nxt = (h * _P1) ^ flat[np.minimum(pos + j, len(flat) - 1)]
        h = np.where(take, nxt, h)
    hv = _fmix32(h)
    has = n_sh > 0
    seg_starts = (np.cumsum(n_sh) - n_sh)[has]
    if len(seg_starts):
        # One permutation at a time keeps the working set (one uint32 per shingle) in cache; the
        # (shingles x permutations) matrix would be tens of megabytes per batch.
        buf = np.empty_like(hv)
        cols = np.empty((len(seg_starts), perm.num_perm), dtype=np.uint32)
        for j in range(perm.num_perm):
            np.multiply(hv, perm.a[j], out=buf)
            np.add(buf, perm.b[j], out=buf)
            cols[:, j] = np.minimum.reduceat(buf, seg_starts)
        out[has] = cols
    return out


@dataclass(frozen=True, slots=True)
class Template:
    """What stays the same in a group (``constants``) and what changes (``slots``).

    ``render()`` joins them as ``constant⟨1⟩constant⟨2⟩...``; ``slots[i][j]`` is what post
    ``post_ids[j]`` has in slot ``i`` (slot 0 precedes the first constant, the last follows the last
    constant; empty slots are kept so indices line up).
    """

    post_ids: list[Hashable]
    constants: list[str]
    slots: list[list[str]]

    def render(self) -> str:
        parts: list[str] = []
        for i, const in enumerate(self.constants):
            if any(self.slots[i]):
                parts.append(f"⟨{i}⟩")
            parts.append(const)
        if any(self.slots[-1]):
            parts.append(f"⟨{len(self.constants)}⟩")
        return "".join(parts)

    def variants(self) -> list[list[str]]:
        """Distinct values per non-empty slot, in first-seen order."""
        return [list(dict.fromkeys(v)) for v in self.slots if any(v)]


_NONE = np.zeros(0, dtype=np.int64)


@lru_cache(maxsize=16)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) from datasketch's optimiser (numerical integration, ~0.1 s: done once per setting)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


def _min_count(similarity: float, num_perm: int) -> int:
    """Fewest equal hash values out of ``num_perm`` that make an estimated similarity >= ``similarity``."""
    return next((c for c in range(num_perm + 1) if c / num_perm >= similarity), num_perm + 1)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        p = self.parent
        while p[i] != i:
            p[i] = p[p[i]]
            i = p[i]
        return i

    def union(self, i: int, j: int) -> int:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return ri
        # The earlier post stays the root, so a group is named after its first post.
        if rj < ri:
            ri, rj = rj, ri
        self.parent[rj] = ri
        return ri


class Clusterer:
    """Incremental grouping of posts; see the module docstring.

    ``threshold`` is the Jaccard similarity of masked shingle sets above which two posts are near
    duplicates; ``shingle`` the k of the character k-grams.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        num_perm: int = 128,
        shingle: int = 3,
        seed: int = 1,
        represented_at: float | None = None,
        keep_text: bool = True,
        index: str = "bands",
        candidate_threshold: float | None = None,
    ) -> None:
        if index not in ("bands", "datasketch"):
            raise ValueError("index must be 'bands' or 'datasketch'")
        self.threshold = threshold
        self.shingle = shingle
        self.represented_at = threshold if represented_at is None else represented_at
        self.keep_text = keep_text
        self._perm = _permutations(num_perm, seed)
        # LSH banding for the candidate threshold: b bands of r rows (datasketch's optimiser).  At
        # 128 permutations and the linking threshold itself, template-sharing posts of different
        # campaigns rarely collide, so candidates per post stay ~1 even at a million posts; with
        # fewer rows per band they grow with the corpus and the run turns quadratic.
        cand_t = threshold if candidate_threshold is None else candidate_threshold
        self._b, self._r = _lsh_params(cand_t, num_perm)
        self._lsh = MinHashLSH(num_perm=num_perm, params=(self._b, self._r))
        self.index = index
        self._tables: list[dict[bytes, list[int]]] = [{} for _ in range(self._b)]
        self._gets = [t.get for t in self._tables]
        # Similarities are compared as counts of equal hash values: ``count >= need`` is exactly
        # ``count / num_perm >= threshold`` without a float mean per candidate.
        self._need = _min_count(threshold, num_perm)
        self._need_rep = _min_count(self.represented_at, num_perm)
        self.indexed = 0  # prototypes inserted into the index
        self.candidates_checked = 0
        self._uf = _UnionFind()
        self._ids: list[Hashable] = []
        self._pos: dict[Hashable, int] = {}
        self._texts: list[str] = []
        self._sigs = np.empty((1024, num_perm), dtype=np.uint32)  # row i = post i, grown by doubling
        self._contact_owner: dict[str, int] = {}
        self.links = {"text": 0, "contact": 0}

    def __len__(self) -> int:
        return len(self._ids)

    def add(
        self, post_id: Hashable, text: str, contacts: Iterable[str] = (), *, normalised: bool = False
    ) -> None:
        """Add one post (``text`` raw unless ``normalised``); ``contacts`` as from ``Entities.contacts()``."""
        self.add_many([post_id], [text], [contacts], normalised=normalised)

    def add_many(
        self,
        post_ids: Sequence[Hashable],
        texts: Sequence[str],
        contacts: Sequence[Iterable[str]] | None = None,
        *,
        normalised: bool = False,
        batch: int = 4096,
    ) -> None:
        """Add posts in batches (signatures are computed per batch with numpy)."""
        if len(post_ids) != len(texts) or (contacts is not None and len(contacts) != len(texts)):
            raise ValueError("post_ids, texts and contacts differ in length")
        for lo in range(0, len(texts), batch):
            hi = min(lo + batch, len(texts))
            norm = [t if normalised else normalise(t).text for t in texts[lo:hi]]
            masked = [mask_for_shingles(t) for t in norm]
            sigs = signatures(masked, self.shingle, self._perm)
            keys = self._band_keys(sigs) if self.index == "bands" else None
            need = len(self._ids) + (hi - lo)
            if need > len(self._sigs):
                grown = np.empty((max(need, 2 * len(self._sigs)), self._sigs.shape[1]), dtype=np.uint32)
                grown[: len(self._ids)] = self._sigs[: len(self._ids)]
                self._sigs = grown
            for r in range(hi - lo):
                i = lo + r
                self._add_one(
                    post_ids[i], norm[r], bool(masked[r]), sigs[r], keys[r] if keys else None,
                    contacts[i] if contacts else (),
                )  # fmt: skip

    def _band_keys(self, sigs: np.ndarray) -> list[list[bytes]]:
        """Per post, the bytes of each band of ``r`` hash values (a void view, no Python loop)."""
        b, r = self._b, self._r
        bands = np.ascontiguousarray(sigs[:, : b * r]).view(np.dtype((np.void, 4 * r)))
        return bands.tolist()  # type: ignore[no-any-return]

    def _candidates(self, idx: int, sig: np.ndarray, keys: list[bytes] | None) -> np.ndarray:
        if keys is None:
            mh = LeanMinHash(seed=self._perm.seed, hashvalues=sig, scheme="affine32")
            return np.fromiter(self._lsh.query(mh), dtype=np.int64)
        hits = [b for b in map(operator.call, self._gets, keys) if b]
        if not hits:
            return _NONE
        if len(hits) == 1:
            return np.array(hits[0], dtype=np.int64)
        found = set().union(*hits)
        return np.fromiter(found, dtype=np.int64, count=len(found))

    def _index(self, idx: int, sig: np.ndarray, keys: list[bytes] | None) -> None:
        self.indexed += 1
        if keys is None:
            mh = LeanMinHash(seed=self._perm.seed, hashvalues=sig, scheme="affine32")
            self._lsh.insert(idx, mh, check_duplication=False)
            return
        for table, key in zip(self._tables, keys, strict=True):
            table.setdefault(key, []).append(idx)

    def _add_one(
        self,
        post_id: Hashable,
        norm: str,
        has_text: bool,
        sig: np.ndarray,
        keys: list[bytes] | None,
        contacts: Iterable[str],
    ) -> None:
        if post_id in self._pos:
            raise ValueError(f"duplicate post id {post_id!r}")
        idx = self._uf.add()
        self._ids.append(post_id)
        self._pos[post_id] = idx
        self._texts.append(norm if self.keep_text else "")
        self._sigs[idx] = sig
        if has_text:
            cands = self._candidates(idx, sig, keys)
            self.candidates_checked += len(cands)
            best = 0
            if len(cands):
                same = np.count_nonzero(self._sigs[cands] == sig, axis=1)
                best = int(same.max())
                if best >= self._need:
                    find = self._uf.find
                    for c in cands[same >= self._need].tolist():
                        if find(c) != find(idx):
                            self._uf.union(c, idx)
                            self.links["text"] += 1
            if best < self._need_rep:
                self._index(idx, sig, keys)
        for contact in contacts:
            owner = self._contact_owner.setdefault(contact, idx)
            if owner != idx and self._uf.find(owner) != self._uf.find(idx):
                self._uf.union(owner, idx)
                self.links["contact"] += 1

    def group_of(self, post_id: Hashable) -> Hashable:
        """The id of the first post of ``post_id``'s group (a stable group name)."""
        return self._ids[self._uf.find(self._pos[post_id])]

    def groups(self, min_size: int = 1) -> list[list[Hashable]]:
        """Groups of post ids (in insertion order), largest first."""
        members: dict[int, list[Hashable]] = defaultdict(list)
        for i, pid in enumerate(self._ids):
            members[self._uf.find(i)].append(pid)
        out = [m for m in members.values() if len(m) >= min_size]
        out.sort(key=lambda m: (-len(m), self._pos[m[0]]))
        return out

    def labels(self) -> np.ndarray:
        """Group root index per post, in insertion order (for evaluation)."""
        return np.fromiter(
            (self._uf.find(i) for i in range(len(self._ids))), dtype=np.int64, count=len(self._ids)
        )

    def similarity(self, a: Hashable, b: Hashable) -> float:
        """Estimated Jaccard similarity of two posts' masked shingle sets."""
        return float(np.mean(self._sigs[self._pos[a]] == self._sigs[self._pos[b]]))

    def template(self, group: Sequence[Hashable], max_posts: int = 50) -> Template:
        """Align up to ``max_posts`` posts of a group against its first post."""
        if not self.keep_text:
            raise ValueError("template() needs keep_text=True")
        ids = list(group)[:max_posts]
        texts = [self._texts[self._pos[p]] for p in ids]
        return build_template(ids, texts)


def build_template(post_ids: Sequence[Hashable], texts: Sequence[str]) -> Template:
    """Template of ``texts``: maximal runs of the first text matched, contiguously, in every text."""
    if not texts:
        return Template([], [], [[]])
    rep = texts[0]
    n = len(rep)
    maps: list[list[int]] = [list(range(n))]
    for other in texts[1:]:
        m = [-1] * n
        sm = difflib.SequenceMatcher(None, rep, other, autojunk=False)
        for blk in sm.get_matching_blocks():
            for t in range(blk.size):
                m[blk.a + t] = blk.b + t
        maps.append(m)
    common = [all(m[i] >= 0 for m in maps) for i in range(n)]
    runs: list[tuple[int, int]] = []  # rep [start, end) kept contiguous in every text
    i = 0
    while i < n:
        if not common[i]:
            i += 1
            continue
        j = i + 1
        while j < n and common[j] and all(m[j] == m[j - 1] + 1 for m in maps):
            j += 1
        runs.append((i, j))
        i = j
    constants = [rep[s:e] for s, e in runs]
    slots: list[list[str]] = []
    for k in range(len(runs) + 1):
        col: list[str] = []
        for txt, m in zip(texts, maps, strict=True):
            lo = m[runs[k - 1][1] - 1] + 1 if k > 0 else 0
            hi = m[runs[k][0]] if k < len(runs) else len(txt)
            col.append(txt[lo:hi] if hi >= lo else "")
        slots.append(col)
    return Template(list(post_ids), constants, slots)
