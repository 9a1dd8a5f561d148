"""Command line: ``python -m homeward.engines.kinship lr cases.json`` (format in README.md).

Bad input exits with status 2 and one line on stderr naming the case and locus.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .frequencies import DATA_DIR, FrequencyError, FrequencyTable, MinFrequencyRule
from .hypotheses import HYPOTHESES, KinshipInputError, Options, Thresholds, compute_lr
from .mutation import MutationError, MutationSpec

CASE_KEYS = (
    "type",
    "mutation",
    "locus_mutation",
    "theta",
    "min_freq",
    "sample_size",
    "parent_sex",
    "child_sex",
    "relative_sex",
    "line",
    "relative_line",
    "shared_parent",
    "thresholds",
)


class CliError(Exception):
    """One-line user-facing error."""


def load_table(spec: object, sample_size: int | None) -> FrequencyTable:
    if isinstance(spec, str):
        bundled = DATA_DIR / f"{spec}.csv"
        table = FrequencyTable.bundled(spec) if bundled.exists() else FrequencyTable.from_csv(spec)
        if sample_size is not None:
            table.sample_size = sample_size
        return table
    if not isinstance(spec, Mapping):
        raise FrequencyError("'frequencies' must be an object {locus: {allele: freq}} or a table name")
    return FrequencyTable.from_mapping(spec, sample_size=sample_size)


def run_cases(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, Mapping):
        raise CliError("top level must be a JSON object with 'frequencies' and 'cases'")
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, Mapping):
        raise CliError("'defaults' must be an object")
    if "frequencies" not in doc:
        raise CliError("missing 'frequencies'")
    cases = doc.get("cases")
    if not isinstance(cases, list):
        raise CliError("'cases' must be a list")
    sample_size = defaults.get("sample_size")
    if sample_size is not None and (isinstance(sample_size, bool) or not isinstance(sample_size, int)):
        raise CliError("defaults.sample_size must be an integer")
    try:
        table = load_table(doc["frequencies"], sample_size)
    except (FrequencyError, OSError) as exc:
        raise CliError(f"frequencies: {exc}") from exc
    results = []
    seen: set[str] = set()
    for pos, case in enumerate(cases, start=1):
        if not isinstance(case, Mapping):
            raise CliError(f"case #{pos}: must be an object")
        case_id = str(case.get("id", f"#{pos}"))
        if case_id in seen:
            raise CliError(f"case {case_id}: duplicate id")
        seen.add(case_id)
        try:
            results.append({"id": case.get("id", case_id), **_run_one(case, defaults, table).as_json()})
        except (KinshipInputError, FrequencyError, MutationError) as exc:
            raise CliError(f"case {case_id}: {exc}") from exc
    return {"results": results}


def _run_one(case: Mapping[str, Any], defaults: Mapping[str, Any], table: FrequencyTable) -> Any:
    merged: dict[str, Any] = {k: defaults[k] for k in CASE_KEYS if k in defaults}
    for key in CASE_KEYS:
        if key in case:
            if (
                key == "locus_mutation"
                and isinstance(merged.get(key), Mapping)
                and isinstance(case[key], Mapping)
            ):
                merged[key] = {**merged[key], **case[key]}
            else:
                merged[key] = case[key]
    htype = merged.get("type")
    if htype not in HYPOTHESES:
        raise KinshipInputError(f"unknown type {htype!r}; use one of {', '.join(HYPOTHESES)}")
    genotypes = case.get("genotypes")
    if not isinstance(genotypes, Mapping):
        raise KinshipInputError("'genotypes' must be an object {role: {locus: 'a/b'}}")
    mutation = MutationSpec.from_mapping(merged.get("mutation"))
    locus_mutation = merged.get("locus_mutation") or {}
    if not isinstance(locus_mutation, Mapping):
        raise KinshipInputError("'locus_mutation' must be an object {locus: {...}}")
    theta = merged.get("theta", 0.0)
    if theta is None:
        theta = 0.0
    if isinstance(theta, bool) or not isinstance(theta, int | float) or not (0.0 <= theta < 1.0):
        raise KinshipInputError(f"theta must be a number in [0, 1), got {theta!r}")
    case_sample = merged.get("sample_size", table.sample_size)
    min_freq = MinFrequencyRule.parse(merged.get("min_freq"), sample_size=case_sample)
    thresholds = Thresholds.from_mapping(merged.get("thresholds"))
    options = Options.from_mapping(merged)
    return compute_lr(
        htype,
        genotypes,
        table,
        mutation=mutation,
        theta=float(theta),
        min_freq=min_freq,
        locus_mutation=locus_mutation,
        options=options,
        thresholds=thresholds,
    )


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m homeward.engines.kinship", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    lr = sub.add_parser("lr", help="likelihood ratios for the cases in a JSON file")
    lr.add_argument("cases", help="path to cases.json ('-' for stdin)")
    lr.add_argument("--indent", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        if args.cases == "-":
            text = sys.stdin.read()
            name = "stdin"
        else:
            path = Path(args.cases)
            name = path.name
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise CliError(f"{args.cases}: cannot read ({exc.strerror})") from exc
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CliError(
                f"{name}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from exc
        out = run_cases(doc)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    json.dump(_finite(out), sys.stdout, indent=args.indent, allow_nan=False)
    sys.stdout.write("\n")
    return 0
