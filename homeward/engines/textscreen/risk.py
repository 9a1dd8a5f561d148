"""Risk scoring of posts: the lexicon/pattern layer plus a retrainable character n-gram classifier.

The classifier is a multinomial logistic regression over TF-IDF weighted character 1-4-grams
(optionally plus the lexicon's five per-category scores as features; scikit-learn), trained from
reviewers' labels: a category name from :data:`CATEGORIES`, or
``None`` / ``"none"`` for "not trafficking" (``"unsure"`` labels are skipped).  Character n-grams
need no word segmentation and survive the slang variants the lexicon does not list.

A fitted model is saved as plain JSON (vocabulary, idf, coefficients) - no pickle, so loading a
model file cannot execute code - and scored with numpy alone.

The final score averages the lexicon layer and the classifier (``lexicon_weight``), and every score
comes with reasons: the lexicon entries and patterns that fired, and the n-grams that pushed the
classifier towards its category.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .lexicon import CATEGORIES, Reason, category_scores, lexicon_hits
from .normalise import normalise

__all__ = ["NONE_LABEL", "Risk", "RiskModel"]

NONE_LABEL = "none"
_FORMAT = "homeward.textscreen.risk/1"


@dataclass(frozen=True, slots=True)
class Risk:
    """Risk of one post: overall score in [0, 1], categories above threshold, per-category scores,
    and the reasons (strongest first)."""

    score: float
    categories: list[str]
    category_scores: dict[str, float]
    reasons: list[Reason] = field(default_factory=list)

    def reason_texts(self) -> list[str]:
        return [str(r) for r in self.reasons]


@dataclass(slots=True)
class _Linear:
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # (n_classes, n_features)
    intercept: np.ndarray  # (n_classes,)
    classes: list[str]
    ngram_range: tuple[int, int]
    lexicon_features: bool = False
    inverse_vocab: list[str] = field(default_factory=list)

    def features(self, texts: Sequence[str], lex: np.ndarray | None = None) -> Any:
        """TF-IDF rows, plus the lexicon's per-category scores ``lex`` (n, 5) when the model uses them."""
        from scipy import sparse
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.preprocessing import normalize

        vec = CountVectorizer(
            analyzer="char", ngram_range=self.ngram_range, vocabulary=self.vocabulary, lowercase=False
        )
        counts = vec.transform(texts).astype(np.float64)
        counts.data = 1.0 + np.log(counts.data)  # sublinear tf, as in training
        x = normalize(counts.multiply(self.idf).tocsr())
        if not self.lexicon_features:
            return x
        if lex is None:
            lex = _lexicon_matrix(texts)
        return sparse.hstack([x, sparse.csr_matrix(lex)], format="csr")

    def proba(self, x: Any) -> np.ndarray:
        logits = np.asarray(x @ self.coef.T) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return np.asarray(p / p.sum(axis=1, keepdims=True))


class RiskModel:
    """Lexicon + classifier risk scorer.  ``RiskModel()`` alone scores with the lexicon only."""

    def __init__(self, lexicon_weight: float = 0.5, category_threshold: float = 0.5) -> None:
        if not 0.0 <= lexicon_weight <= 1.0:
            raise ValueError("lexicon_weight must be within [0, 1]")
        self.lexicon_weight = lexicon_weight
        self.category_threshold = category_threshold
        self._clf: _Linear | None = None

    @property
    def fitted(self) -> bool:
        return self._clf is not None

    # -- training --------------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str | None],
        *,
        normalised: bool = False,
        c: float = 4.0,
        ngram_range: tuple[int, int] = (1, 4),
        min_df: int = 2,
        max_features: int = 200_000,
        lexicon_features: bool = False,
    ) -> RiskModel:
        """Train the classifier from labelled posts (re-fitting replaces the previous classifier).

        With ``lexicon_features`` the lexicon's per-category scores are five more features, so the
        classifier learns how far to trust each lexicon category next to the n-grams.  Off by
        default: on posts worded like the ones the lexicon was written from, the lexicon separates
        perfectly, the classifier then leans on it alone and generalises worse to new wordings
        (bench/textscreen_eval.py prints both)."""
        from scipy import sparse
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        docs: list[str] = []
        ys: list[str] = []
        for t, y in zip(texts, labels, strict=True):
            lab = NONE_LABEL if y in (None, "", NONE_LABEL) else y
            if lab == "unsure":
                continue
            if lab not in CATEGORIES and lab != NONE_LABEL:
                raise ValueError(f"unknown label {y!r}; expected one of {(*CATEGORIES, NONE_LABEL)} or None")
            docs.append(t if normalised else normalise(t).text)
            ys.append(lab)
        if len(set(ys)) < 2:
            raise ValueError("need at least two different labels to train")
        vec = CountVectorizer(
            analyzer="char",
            ngram_range=ngram_range,
            min_df=min_df,
            max_features=max_features,
            lowercase=False,
        )
        counts = vec.fit_transform(docs)
        tfidf = TfidfTransformer(sublinear_tf=True)
        x = tfidf.fit_transform(counts)
        if lexicon_features:
            x = sparse.hstack([x, sparse.csr_matrix(_lexicon_matrix(docs))], format="csr")
        lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        lr.fit(x, ys)
        classes = [str(k) for k in lr.classes_]
        coef = np.asarray(lr.coef_, dtype=np.float64)
        intercept = np.asarray(lr.intercept_, dtype=np.float64)
        if len(classes) == 2:
            # Binary LR keeps one row for classes[1]; make it a two-row softmax.
            coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
            intercept = np.array([0.0, intercept[0]])
        vocab = {str(k): int(v) for k, v in vec.vocabulary_.items()}
        self._clf = _Linear(
            vocab, np.asarray(tfidf.idf_), coef, intercept, classes, ngram_range, lexicon_features
        )
        self._clf.inverse_vocab = _inverse(vocab, lexicon_features)
        return self

    # -- persistence -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "format": _FORMAT,
            "lexicon_weight": self.lexicon_weight,
            "category_threshold": self.category_threshold,
            "classifier": None,
        }
        if self._clf is not None:
            m = self._clf
            d["classifier"] = {
                "vocabulary": m.vocabulary,
                "idf": m.idf.tolist(),
                "coef": m.coef.tolist(),
                "intercept": m.intercept.tolist(),
                "classes": m.classes,
                "ngram_range": list(m.ngram_range),
                "lexicon_features": m.lexicon_features,
            }
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RiskModel:
        if d.get("format") != _FORMAT:
            raise ValueError(f"not a textscreen risk model (format {d.get('format')!r})")
        model = cls(float(d["lexicon_weight"]), float(d["category_threshold"]))
        c = d.get("classifier")
        if c:
            vocab = {str(k): int(v) for k, v in c["vocabulary"].items()}
            model._clf = _Linear(
                vocab,
                np.asarray(c["idf"], dtype=np.float64),
                np.asarray(c["coef"], dtype=np.float64),
                np.asarray(c["intercept"], dtype=np.float64),
                [str(k) for k in c["classes"]],
                (int(c["ngram_range"][0]), int(c["ngram_range"][1])),
                bool(c.get("lexicon_features", False)),
            )
            model._clf.inverse_vocab = _inverse(vocab, model._clf.lexicon_features)
        return model

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> RiskModel:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    # -- scoring ---------------------------------------------------------------------------------

    def score(self, text: str) -> Risk:
        """Risk of a raw post (normalised here)."""
        return self.score_normalised([normalise(text).text])[0]

    def score_many(self, texts: Sequence[str]) -> list[Risk]:
        return self.score_normalised([normalise(t).text for t in texts])

    def score_normalised(self, norm_texts: Sequence[str]) -> list[Risk]:
        """Risk of already normalised texts (the classifier runs once over the batch)."""
        proba: np.ndarray | None = None
        x: Any = None
        hits = [lexicon_hits(text) for text in norm_texts]
        lexes = [category_scores(r) for r in hits]
        if self._clf is not None and norm_texts:
            x = self._clf.features(norm_texts, np.array([[lx[c] for c in CATEGORIES] for lx in lexes]))
            proba = self._clf.proba(x)
        out: list[Risk] = []
        for i, (reasons, lex) in enumerate(zip(hits, lexes, strict=True)):
            if proba is None or self._clf is None:
                combined = lex
            else:
                w = self.lexicon_weight
                classes = self._clf.classes
                p = {k: float(proba[i, j]) for j, k in enumerate(classes)}
                combined = {cat: w * lex[cat] + (1 - w) * p.get(cat, 0.0) for cat in CATEGORIES}
                reasons.extend(self._classifier_reasons(x, i, proba[i]))
            score = max(combined.values()) if combined else 0.0
            cats = sorted(
                (c for c, v in combined.items() if v >= self.category_threshold), key=lambda c: -combined[c]
            )
            if not cats and score >= self.category_threshold:
                cats = [max(combined, key=lambda c: combined[c])]
            reasons.sort(key=lambda r: -abs(r.weight))
            out.append(Risk(round(score, 6), cats, {k: round(v, 6) for k, v in combined.items()}, reasons))
        return out

    def _classifier_reasons(self, x: Any, row: int, proba: np.ndarray, top: int = 3) -> list[Reason]:
        clf = self._clf
        assert clf is not None
        best = int(np.argmax(proba))
        cat = clf.classes[best]
        if cat == NONE_LABEL:
            return [
                Reason("classifier", NONE_LABEL, 0.0, f"classifier: not trafficking (p={proba[best]:.2f})")
            ]
        none_j = clf.classes.index(NONE_LABEL) if NONE_LABEL in clf.classes else None
        xr = x.getrow(row)
        idx = xr.indices
        vals = xr.data
        contrib = clf.coef[best, idx] * vals
        if none_j is not None:
            contrib = contrib - clf.coef[none_j, idx] * vals
        order = np.argsort(-contrib)[:top]
        grams = [f"'{clf.inverse_vocab[idx[k]]}'" for k in order if contrib[k] > 0]
        text = f"classifier p={proba[best]:.2f}" + (f", n-grams {' '.join(grams)}" if grams else "")
        return [Reason("classifier", cat, round(float(proba[best]) * (1 - self.lexicon_weight), 4), text)]


def _lexicon_matrix(norm_texts: Sequence[str]) -> np.ndarray:
    """(n, len(CATEGORIES)) lexicon category scores: the classifier's extra features."""
    rows = [category_scores(lexicon_hits(t)) for t in norm_texts]
    return np.array([[r[c] for c in CATEGORIES] for r in rows], dtype=np.float64).reshape(-1, len(CATEGORIES))


def _inverse(vocab: dict[str, int], lexicon_features: bool = False) -> list[str]:
    """Feature names by column: the n-grams, then ``lexicon:<category>`` when those features are on."""
    inv = [""] * (max(vocab.values()) + 1 if vocab else 0)
    for k, v in vocab.items():
        inv[v] = k
    if lexicon_features:
        inv.extend(f"lexicon:{c}" for c in CATEGORIES)
    return inv
