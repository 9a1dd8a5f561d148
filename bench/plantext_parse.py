"""Benchmark the action-plan parser: the shipped text, and synthetic plans with pillar 二 repeated.

Speed is reported against a baseline measured in the same run: a bare line scan that splits the
text and classifies every line with one regular expression (the least work any parser must do).

    .venv/bin/python bench/plantext_parse.py [--quick]
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Run as a script from the repo root: make the `homeward` package importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homeward.engines.plantext import parse_plan, shipped_plan_text
from homeward.engines.plantext.parser import chinese_numeral

_CLASSIFY = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+．|（\d+）|——|（.*(?:负责|配合)）$)"
)


def line_scan(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip() and _CLASSIFY.match(line.strip()))


def best_of(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def synthetic(copies: int) -> str:
    """The shipped text with the six sections of pillar 二 repeated `copies` times, renumbered."""
    lines = shipped_plan_text().split("\n")
    start = lines.index("二、行动措施和任务分工")
    end = lines.index("三、保障措施")
    head, body, tail = lines[: start + 1], lines[start + 1 : end], lines[end:]
    section = re.compile(r"^（([一二三四五六])）")
    out = list(head)
    n = 0
    for _ in range(copies):
        for line in body:
            if section.match(line):
                n += 1
                line = section.sub(f"（{chinese_numeral(n)}）", line)
            out.append(line)
    return "\n".join(out + tail)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 5 if args.quick else 30

    text = shipped_plan_text()
    plan = parse_plan(text)
    t_parse = best_of(lambda: parse_plan(text), repeats)
    t_scan = best_of(lambda: line_scan(text), repeats)
    t_agencies = best_of(plan.agencies, repeats)
    t_counts = best_of(plan.counts, repeats)
    print(
        f"BENCH plantext_shipped lines={len(text.splitlines())} nodes={len(plan.measures)} "
        f"parse_ms={t_parse * 1e3:.2f} scan_ms={t_scan * 1e3:.3f} parse_over_scan={t_parse / t_scan:.1f} "
        f"agencies_ms={t_agencies * 1e3:.2f} counts_ms={t_counts * 1e3:.2f}"
    )

    for copies in (2, 4) if args.quick else (2, 4, 8, 16):
        big = synthetic(copies)
        big_plan = parse_plan(big)
        t_parse = best_of(functools.partial(parse_plan, big), max(3, repeats // copies))
        t_scan = best_of(functools.partial(line_scan, big), max(3, repeats // copies))
        lines = len(big.splitlines())
        print(
            f"BENCH plantext_synthetic copies={copies} sections={len(big_plan.sections)} lines={lines} "
            f"nodes={len(big_plan.measures)} parse_ms={t_parse * 1e3:.1f} "
            f"lines_per_s={lines / t_parse:.0f} parse_over_scan={t_parse / t_scan:.1f}"
        )


if __name__ == "__main__":
    main()
