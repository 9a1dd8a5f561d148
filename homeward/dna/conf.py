"""Settings of the DNA database, with defaults; each can be overridden by a `DNA_*` Django setting."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from homeward.engines.kinship import MutationSpec, Thresholds

# Yfiler Plus: 25 markers, 27 loci (DYS385 and DYF387S1 have two copies).
Y_LOCI: dict[str, int] = {
    "DYS576": 1,
    "DYS389I": 1,
    "DYS635": 1,
    "DYS389II": 1,
    "DYS627": 1,
    "DYS460": 1,
    "DYS458": 1,
    "DYS19": 1,
    "YGATAH4": 1,
    "DYS448": 1,
    "DYS391": 1,
    "DYS456": 1,
    "DYS390": 1,
    "DYS438": 1,
    "DYS392": 1,
    "DYS518": 1,
    "DYS570": 1,
    "DYS437": 1,
    "DYS385": 2,
    "DYS449": 1,
    "DYS393": 1,
    "DYS439": 1,
    "DYS481": 1,
    "DYF387S1": 2,
    "DYS533": 1,
}
AMELOGENIN_NAMES = frozenset({"AMEL", "AMELOGENIN", "AM"})


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def mutation() -> MutationSpec:
    """Default: stepwise, as GB/T 37223 laboratories use, with the usual paternal/maternal rates."""
    return MutationSpec.from_mapping(
        _get(
            "DNA_MUTATION",
            {"model": "stepwise", "rate_male": 0.0035, "rate_female": 0.0012, "rate2": 1e-5, "range": 0.5},
        )
    )


def theta() -> float:
    return float(_get("DNA_THETA", 0.0))


def thresholds() -> Thresholds:
    return Thresholds.from_mapping(_get("DNA_THRESHOLDS", None))


def report_threshold() -> float:
    return float(_get("DNA_REPORT_THRESHOLD", 1e4))


def n_below() -> int:
    """How many best candidates under the reporting threshold are kept as well."""
    return int(_get("DNA_CANDIDATES_BELOW", 3))


def search_shards() -> int:
    """Split each child search across this many tasks (workers), merged with `merge_results`."""
    return max(1, int(_get("DNA_SEARCH_SHARDS", 1)))


def min_loci() -> int:
    """A profile with fewer autosomal loci is refused: it would only give meaningless LRs."""
    return int(_get("DNA_MIN_LOCI", 10))


def y_max_mismatches() -> int:
    return int(_get("DNA_Y_MAX_MISMATCHES", 2))


def y_min_loci() -> int:
    return int(_get("DNA_Y_MIN_LOCI", 12))


def duplicate_min_shared() -> int:
    return int(_get("DNA_DUPLICATE_MIN_SHARED", 10))


MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_SAMPLES = 200_000
