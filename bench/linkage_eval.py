"""Recall and score distributions of the linkage engine on a synthetic evaluation set.

Missing reports and found people come from ``homeward.engines.linkage.simulate`` (seeded): ages
estimated with an error that grows with age, children renamed (new surname, sometimes the old
given name or a homophone), nicknames remembered in another spelling, places remembered at
county or province level only (10 % the wrong county), marks described with other words,
fragments of memories. Weights are re-estimated with ``fit_weights`` on a training split
(true pairs + random consistent non-pairs) and both the shipped defaults and the fitted weights
are evaluated on a disjoint test split. Recall is also reported by the number of kinds of clue
the found person gave (remembered names, parents, places, marks, dialect, memories, height, a
kept given name), since a found person who remembers nothing cannot be matched without DNA.
Each true report missing from the top 10 is put down to a hard rule it breaks or to its rank
(``linkage_lost``: 11-50, 51-500, beyond), which tells a ranking miss from a blocking loss.

Run: ``.venv/bin/python bench/linkage_eval.py [--quick]``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homeward.engines.linkage import DEFAULT_WEIGHTS, FoundRecord, MatchIndex, MissingRecord, fit_weights
from homeward.engines.linkage.simulate import Simulator


def clues(f: FoundRecord, m: MissingRecord) -> int:
    n = sum(
        [
            bool(f.remembered_names), bool(f.remembered_parents), bool(f.remembered_places), bool(f.marks),
            bool(f.dialect), bool(f.memories), f.height_cm is not None,
            bool(f.name and m.name and f.name[1:] == m.name[1:]),
        ]
    )  # fmt: skip
    return n


def evaluate(
    index: MatchIndex, queries: list[tuple[MissingRecord, FoundRecord]], rng: random.Random
) -> tuple[np.ndarray, list[float], list[float], list[str]]:
    """Rank of the true report (99 = not in the top 10), true-pair and false-pair probabilities,
    and for each true report outside the top 10 why: the hard rule it broke, or its rank."""
    ranks = []
    true_p: list[float] = []
    false_p: list[float] = []
    lost: list[str] = []
    for m, f in queries:
        cands = index.match(f, top=10)
        ids = [c.missing_id for c in cands]
        ranks.append(ids.index(m.id) if m.id in ids else 99)
        true_score = index.score(m.id, f)
        true_p.append(true_score.probability)
        if m.id not in ids:
            if true_score.conflicts:
                lost.append("hard_rule_" + "+".join(true_score.conflicts))
            else:
                deeper = [c.missing_id for c in index.match(f, top=500)]
                rank = deeper.index(m.id) + 1 if m.id in deeper else 501
                lost.append(
                    "outranked_" + ("11to50" if rank <= 50 else "51to500" if rank <= 500 else "over500")
                )
        others = [i for i in index.consistent_ids(f) if i != m.id]
        for i in rng.sample(others, min(5, len(others))):
            false_p.append(index.score(i, f).probability)
    return np.array(ranks), true_p, false_p, lost


def quantiles(x: list[float]) -> str:
    q = np.quantile(np.asarray(x), [0.05, 0.25, 0.5, 0.75, 0.95])
    return "p05={:.3g} p25={:.3g} p50={:.3g} p75={:.3g} p95={:.3g}".format(*q)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    pool = 20_000 if args.quick else 100_000
    n_train, n_test = (300, 400) if args.quick else (600, 1000)
    rng = random.Random(args.seed)
    sim = Simulator(args.seed)
    t0 = time.perf_counter()
    missing = [sim.missing() for _ in range(pool)]
    by_id = {m.id: m for m in missing}
    index = MatchIndex()
    index.add_many(missing)
    t_index = time.perf_counter() - t0
    chosen = rng.sample(missing, n_train + n_test)
    train = [(m, sim.found_for(m, "f" + m.id)) for m in chosen[:n_train]]
    test = [(m, sim.found_for(m, "f" + m.id)) for m in chosen[n_train:]]

    pairs: list[tuple[MissingRecord, FoundRecord]] = []
    labels: list[bool] = []
    for m, f in train:
        pairs.append((m, f))
        labels.append(True)
        others = [i for i in index.consistent_ids(f) if i != m.id]
        for i in rng.sample(others, min(30, len(others))):
            pairs.append((by_id[i], f))
            labels.append(False)
    t1 = time.perf_counter()
    fitted = fit_weights(pairs, labels)
    t_fit = time.perf_counter() - t1

    print(f"BENCH linkage_eval_setup pool={pool} train_found={n_train} test_found={n_test} "
          f"build_and_index_s={t_index:.1f} fit_pairs={len(pairs)} fit_s={t_fit:.1f}")  # fmt: skip
    for label, weights in (("default", DEFAULT_WEIGHTS), ("fitted", fitted)):
        index.weights = weights
        ranks, tp, fp, lost = evaluate(index, test, random.Random(args.seed + 1))
        print(f"BENCH linkage_recall weights={label} pool={pool} n={len(ranks)} "
              f"recall_at_1={np.mean(ranks == 0):.3f} recall_at_10={np.mean(ranks < 10):.3f}")  # fmt: skip
        groups: dict[str, list[bool]] = defaultdict(list)
        for (m, f), r in zip(test, ranks, strict=True):
            c = clues(f, m)
            groups[str(min(c, 5)) + ("+" if c >= 5 else "")].append(bool(r < 10))
            groups["rich_3plus" if c >= 3 else "sparse_0to2"].append(bool(r < 10))
        for k in sorted(groups):
            print(f"BENCH linkage_recall_by_clues weights={label} clues={k} n={len(groups[k])} "
                  f"recall_at_10={np.mean(groups[k]):.3f}")  # fmt: skip
        causes = Counter(lost)
        print(f"BENCH linkage_lost weights={label} lost={len(lost)} "
              + " ".join(f"{k}={v}" for k, v in sorted(causes.items())))  # fmt: skip
        print(f"BENCH linkage_scores weights={label} pairs=true n={len(tp)} {quantiles(tp)}")
        print(f"BENCH linkage_scores weights={label} pairs=false n={len(fp)} {quantiles(fp)}")
    print("BENCH linkage_fitted_weights " + " ".join(
        f"{k}={'/'.join(f'{x:.2f}' for x in v)}" for k, v in fitted.levels.items()
    ) + f" intercept={fitted.intercept:.2f} scale={fitted.scale:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
