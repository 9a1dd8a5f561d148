"""Kinship hypotheses (H1 pedigrees against "unrelated") and ``compute_lr``.

Each hypothesis type names its roles, which roles are *tested* against the child (a locus is
compared when the child and at least one tested role are typed there), and builds the H1 and
H2 pedigrees from options (sexes, paternal/maternal line). H2 is "all typed people unrelated",
except ``trio_known_mother``/``trio_known_father`` where the known parent stays the parent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from .frequencies import FrequencyError, FrequencyTable, MinFrequencyRule
from .mutation import MutationError, MutationSpec, sex_matrices
from .pedigree import Pedigree, Person, likelihood
from .profiles import Genotype, Profile, ProfileError, parse_genotype


class KinshipInputError(ValueError):
    """Bad case input; the message names the locus (the CLI adds the case id)."""


def _other(sex: str) -> str:
    return "female" if sex == "male" else "male"


def _line_sex(line: str) -> str:
    return "male" if line == "paternal" else "female"


@dataclass(frozen=True)
class Options:
    parent_sex: str = "male"
    child_sex: str = "male"
    relative_sex: str = "male"
    line: str = "paternal"
    relative_line: str = "paternal"
    shared_parent: str = "father"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Options:
        values: dict[str, str] = {}
        allowed = {
            "parent_sex": ("male", "female"),
            "child_sex": ("male", "female"),
            "relative_sex": ("male", "female"),
            "line": ("paternal", "maternal"),
            "relative_line": ("paternal", "maternal"),
            "shared_parent": ("father", "mother"),
        }
        for key, choices in allowed.items():
            if key in data and data[key] is not None:
                value = str(data[key]).strip().lower()
                if value not in choices:
                    raise KinshipInputError(f"{key} must be one of {', '.join(choices)}, not {data[key]!r}")
                values[key] = value
        return cls(**values)


@dataclass(frozen=True)
class HypothesisDef:
    roles: tuple[str, ...]
    tested: tuple[str, ...]
    build: Callable[[Options], tuple[list[Person], list[Person]]]
    single_parent: bool = False
    # With an IBD-0 chance (siblings, cousins...) no locus can be inconsistent: skip the check.
    can_exclude: bool = True


def _singletons(roles: Mapping[str, str]) -> list[Person]:
    return [Person(name, sex) for name, sex in roles.items()]


def _duo(o: Options) -> tuple[list[Person], list[Person]]:
    ps = o.parent_sex
    father, mother = ("parent", "_other") if ps == "male" else ("_other", "parent")
    h1 = [Person("parent", ps), Person("_other", _other(ps)), Person("child", o.child_sex, father, mother)]
    return h1, _singletons({"parent": ps, "child": o.child_sex})


def _trio(o: Options) -> tuple[list[Person], list[Person]]:
    h1 = [
        Person("father", "male"),
        Person("mother", "female"),
        Person("child", o.child_sex, "father", "mother"),
    ]
    return h1, _singletons({"father": "male", "mother": "female", "child": o.child_sex})


def _trio_known_mother(o: Options) -> tuple[list[Person], list[Person]]:
    h1, _ = _trio(o)
    h2 = [
        Person("father", "male"),
        Person("mother", "female"),
        Person("_man", "male"),
        Person("child", o.child_sex, "_man", "mother"),
    ]
    return h1, h2


def _trio_known_father(o: Options) -> tuple[list[Person], list[Person]]:
    h1, _ = _trio(o)
    h2 = [
        Person("father", "male"),
        Person("mother", "female"),
        Person("_woman", "female"),
        Person("child", o.child_sex, "father", "_woman"),
    ]
    return h1, h2


def _pair_h2(o: Options) -> list[Person]:
    return _singletons({"child": o.child_sex, "relative": o.relative_sex})


def _full_sib(o: Options) -> tuple[list[Person], list[Person]]:
    h1 = [
        Person("_f", "male"),
        Person("_m", "female"),
        Person("child", o.child_sex, "_f", "_m"),
        Person("relative", o.relative_sex, "_f", "_m"),
    ]
    return h1, _pair_h2(o)


def _half_sib(o: Options) -> tuple[list[Person], list[Person]]:
    if o.shared_parent == "father":
        h1 = [
            Person("_s", "male"),
            Person("_o1", "female"),
            Person("_o2", "female"),
            Person("child", o.child_sex, "_s", "_o1"),
            Person("relative", o.relative_sex, "_s", "_o2"),
        ]
    else:
        h1 = [
            Person("_s", "female"),
            Person("_o1", "male"),
            Person("_o2", "male"),
            Person("child", o.child_sex, "_o1", "_s"),
            Person("relative", o.relative_sex, "_o2", "_s"),
        ]
    return h1, _pair_h2(o)


def _child_of(parent: str, parent_sex: str, mate: str, child_sex: str) -> list[Person]:
    """The child (role 'child') of ``parent`` and an untyped ``mate``."""
    fa, mo = (parent, mate) if parent_sex == "male" else (mate, parent)
    return [Person(mate, _other(parent_sex)), Person("child", child_sex, fa, mo)]


def _grandparent(o: Options) -> tuple[list[Person], list[Person]]:
    gs, ps = o.relative_sex, _line_sex(o.line)
    gfa, gmo = ("relative", "_gmate") if gs == "male" else ("_gmate", "relative")
    h1 = [Person("relative", gs), Person("_gmate", _other(gs)), Person("_p", ps, gfa, gmo)]
    h1 += _child_of("_p", ps, "_pmate", o.child_sex)
    return h1, _pair_h2(o)


def _grandparents(o: Options) -> tuple[list[Person], list[Person]]:
    ps = _line_sex(o.line)
    h1 = [
        Person("grandfather", "male"),
        Person("grandmother", "female"),
        Person("_p", ps, "grandfather", "grandmother"),
    ]
    h1 += _child_of("_p", ps, "_pmate", o.child_sex)
    h2 = _singletons({"grandfather": "male", "grandmother": "female", "child": o.child_sex})
    return h1, h2


def _avuncular(o: Options) -> tuple[list[Person], list[Person]]:
    ps = _line_sex(o.line)
    h1 = [
        Person("_gf", "male"),
        Person("_gm", "female"),
        Person("relative", o.relative_sex, "_gf", "_gm"),
        Person("_p", ps, "_gf", "_gm"),
    ]
    h1 += _child_of("_p", ps, "_pmate", o.child_sex)
    return h1, _pair_h2(o)


def _first_cousin(o: Options) -> tuple[list[Person], list[Person]]:
    ps, rs = _line_sex(o.line), _line_sex(o.relative_line)
    h1 = [
        Person("_gf", "male"),
        Person("_gm", "female"),
        Person("_p", ps, "_gf", "_gm"),
        Person("_q", rs, "_gf", "_gm"),
    ]
    h1 += _child_of("_p", ps, "_pmate", o.child_sex)
    qfa, qmo = ("_q", "_qmate") if rs == "male" else ("_qmate", "_q")
    h1 += [Person("_qmate", _other(rs)), Person("relative", o.relative_sex, qfa, qmo)]
    return h1, _pair_h2(o)


HYPOTHESES: dict[str, HypothesisDef] = {
    "duo": HypothesisDef(("parent", "child"), ("parent",), _duo, single_parent=True),
    "trio": HypothesisDef(("father", "mother", "child"), ("father", "mother"), _trio),
    "trio_known_mother": HypothesisDef(("father", "mother", "child"), ("father",), _trio_known_mother),
    "trio_known_father": HypothesisDef(("father", "mother", "child"), ("mother",), _trio_known_father),
    "full_sib": HypothesisDef(("child", "relative"), ("relative",), _full_sib, can_exclude=False),
    "half_sib": HypothesisDef(("child", "relative"), ("relative",), _half_sib, can_exclude=False),
    "grandparent": HypothesisDef(("child", "relative"), ("relative",), _grandparent, can_exclude=False),
    "grandparents": HypothesisDef(
        ("grandfather", "grandmother", "child"), ("grandfather", "grandmother"), _grandparents
    ),
    "avuncular": HypothesisDef(("child", "relative"), ("relative",), _avuncular, can_exclude=False),
    "first_cousin": HypothesisDef(("child", "relative"), ("relative",), _first_cousin, can_exclude=False),
}


@dataclass(frozen=True)
class Thresholds:
    """Verbal-conclusion thresholds (defaults follow GB/T 37223-2018 practice)."""

    support: float = 1e4
    exclude: float = 1e-4
    min_loci_single_parent: int = 20

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Thresholds:
        if not data:
            return cls()
        out = cls()
        for key in ("support", "exclude"):
            if key in data:
                value = data[key]
                if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                    raise KinshipInputError(f"thresholds.{key} must be a positive number")
                out = _replace(out, **{key: float(value)})
        if "min_loci_single_parent" in data:
            value = data["min_loci_single_parent"]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise KinshipInputError("thresholds.min_loci_single_parent must be a non-negative integer")
            out = _replace(out, min_loci_single_parent=value)
        return out

    def conclude(self, lr: float, n_loci: int, single_parent: bool) -> str:
        if lr <= self.exclude:
            return "exclusion"
        if lr >= self.support:
            if single_parent and n_loci < self.min_loci_single_parent:
                return "inconclusive_too_few_loci"
            return "support"
        return "inconclusive"


def _replace(t: Thresholds, **kw: Any) -> Thresholds:
    from dataclasses import replace

    return replace(t, **kw)


@dataclass
class LRResult:
    hypothesis: str
    per_locus: dict[str, float]
    lr: float
    log10_lr: float
    n_loci: int
    n_inconsistent: int
    conclusion: str
    inconsistent_loci: list[str] = field(default_factory=list)

    @property
    def loci(self) -> list[str]:
        return list(self.per_locus)

    def as_json(self) -> dict[str, Any]:
        return {
            "per_locus": self.per_locus,
            "lr": self.lr,
            "log10_lr": None if not math.isfinite(self.log10_lr) else self.log10_lr,
            "n_loci": self.n_loci,
            "n_inconsistent": self.n_inconsistent,
            "conclusion": self.conclusion,
        }


GenotypeInput = Profile | Mapping[str, object]


def _as_genotypes(role: str, value: GenotypeInput) -> dict[str, Genotype]:
    if isinstance(value, Profile):
        return dict(value.genotypes)
    if not isinstance(value, Mapping):
        raise KinshipInputError(f"role {role}: genotypes must be an object {{locus: 'a/b'}}")
    out: dict[str, Genotype] = {}
    for locus, raw in value.items():
        if str(locus).strip().upper() in {"AMEL", "AMELOGENIN"}:
            continue
        try:
            g = parse_genotype(raw, str(locus))
        except ProfileError as exc:
            raise KinshipInputError(f"role {role}, {exc}") from exc
        if g is not None:
            out[str(locus)] = g
    return out


def compute_lr(
    hypothesis: str,
    genotypes: Mapping[str, GenotypeInput],
    table: FrequencyTable,
    mutation: MutationSpec | None = None,
    theta: float = 0.0,
    min_freq: MinFrequencyRule | None = None,
    locus_mutation: Mapping[str, Mapping[str, object]] | None = None,
    options: Options | None = None,
    thresholds: Thresholds | None = None,
) -> LRResult:
    """LR of ``hypothesis`` against "unrelated" (see module doc), per locus and combined."""
    if hypothesis not in HYPOTHESES:
        raise KinshipInputError(f"unknown hypothesis type {hypothesis!r}; use one of {', '.join(HYPOTHESES)}")
    hdef = HYPOTHESES[hypothesis]
    options = options or Options()
    thresholds = thresholds or Thresholds()
    mutation = mutation or MutationSpec()
    if isinstance(theta, bool) or not isinstance(theta, int | float) or not 0.0 <= theta < 1.0:
        raise KinshipInputError(f"theta must be a number in [0, 1), got {theta!r}")
    unknown = set(genotypes) - set(hdef.roles)
    if unknown:
        roles = ", ".join(hdef.roles)
        raise KinshipInputError(
            f"unknown role(s) {', '.join(sorted(unknown))} for type {hypothesis}; roles are {roles}"
        )
    if "child" not in genotypes:
        raise KinshipInputError(f"type {hypothesis} needs genotypes for role child")
    if not any(r in genotypes for r in hdef.tested):
        raise KinshipInputError(f"type {hypothesis} needs genotypes for one of {', '.join(hdef.tested)}")
    geno = {role: _as_genotypes(role, g) for role, g in genotypes.items()}
    h1_persons, h2_persons = hdef.build(options)
    ped1, ped2 = Pedigree(h1_persons), Pedigree(h2_persons)
    loci = [locus for locus in geno["child"] if any(locus in geno[r] for r in hdef.tested if r in geno)]
    locus_mutation = locus_mutation or {}
    for locus in locus_mutation:
        if not isinstance(locus_mutation[locus], Mapping):
            raise KinshipInputError(f"locus {locus}: locus_mutation entry must be an object")

    per_locus: dict[str, float] = {}
    inconsistent: list[str] = []
    for locus in loci:
        typed = {role: g[locus] for role, g in geno.items() if locus in g}
        observed = {a for pair in typed.values() for a in pair}
        try:
            prepared = table.prepare(locus, observed, min_freq)
            spec = mutation.merged(locus_mutation[locus]) if locus in locus_mutation else mutation
            mats = _matrices(spec, prepared.alleles, tuple(prepared.freqs.tolist()))
        except (FrequencyError, MutationError) as exc:
            msg = str(exc)
            raise KinshipInputError(msg if msg.startswith("locus") else f"locus {locus}: {msg}") from exc
        codes = {role: np.array([[prepared.index[a], prepared.index[b]]]) for role, (a, b) in typed.items()}
        l1 = float(likelihood(ped1, codes, prepared.freqs, mats, theta)[0])
        l2 = float(likelihood(ped2, codes, prepared.freqs, mats, theta)[0])
        per_locus[locus] = l1 / l2
        if spec.is_trivial():
            consistent = l1 > 0
        elif not hdef.can_exclude:
            consistent = True
        else:
            ident = {s: np.eye(prepared.n) for s in ("male", "female")}
            consistent = float(likelihood(ped1, codes, prepared.freqs, ident, theta)[0]) > 0
        if not consistent:
            inconsistent.append(locus)
    return summarise(hypothesis, per_locus, inconsistent, thresholds)


@lru_cache(maxsize=4096)
def _matrices(
    spec: MutationSpec, alleles: tuple[str, ...], freqs: tuple[float, ...]
) -> dict[str, np.ndarray]:
    return sex_matrices(spec, alleles, np.array(freqs))


def summarise(
    hypothesis: str, per_locus: dict[str, float], inconsistent: list[str], thresholds: Thresholds
) -> LRResult:
    if any(v == 0.0 for v in per_locus.values()):
        log10 = -math.inf
    else:
        log10 = float(sum(math.log10(v) for v in per_locus.values()))
    # The direct product is exact for typical profiles; it can only over/underflow at |log10| > 300.
    lr = math.prod(per_locus.values())
    return LRResult(
        hypothesis=hypothesis,
        per_locus=per_locus,
        lr=lr,
        log10_lr=log10,
        n_loci=len(per_locus),
        n_inconsistent=len(inconsistent),
        conclusion=thresholds.conclude(lr, len(per_locus), HYPOTHESES[hypothesis].single_parent),
        inconsistent_loci=inconsistent,
    )
