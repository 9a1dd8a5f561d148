"""STR profiles: genotype parsing (microvariants, single-allele homozygotes, missing loci) and sex."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .frequencies import normalise_allele

Genotype = tuple[str, str]

MISSING_TOKENS = frozenset({"", "-", "NA", "N/A", "?", "NONE", "NULL"})


class ProfileError(ValueError):
    """A genotype or profile that cannot be used; the message names the locus."""


def parse_genotype(value: object, locus: str = "?") -> Genotype | None:
    """'15/16', '15,16', ['15', 16], '9.3' (homozygote) -> sorted allele pair; missing -> None."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        parts = [str(v).strip() for v in value if v is not None and str(v).strip() != ""]
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        text = str(value).strip()
        if text.upper() in MISSING_TOKENS:
            return None
        for sep in (",", " ", ";", "|"):
            text = text.replace(sep, "/")
        parts = [p for p in text.split("/") if p != ""]
    else:
        raise ProfileError(f"locus {locus}: genotype {value!r} is not a string like 'a/b'")
    if not parts:
        return None
    if len(parts) > 2:
        raise ProfileError(
            f"locus {locus}: {len(parts)} alleles in {value!r} (a mixture?); at most 2 allowed"
        )
    alleles = [normalise_allele(p) for p in parts]
    for allele in alleles:
        if allele.upper() in MISSING_TOKENS:
            raise ProfileError(f"locus {locus}: bad allele in {value!r}")
    if len(alleles) == 1:
        alleles.append(alleles[0])
    a, b = alleles
    return (a, b) if _key(a) <= _key(b) else (b, a)


def _key(label: str) -> tuple[int, float, str]:
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def parse_sex(value: object) -> str | None:
    """Amelogenin/sex: 'X,Y'/'XY'/'male'/'M' -> 'male'; 'X'/'XX'/'female'/'F' -> 'female'."""
    if value is None:
        return None
    text = str(value).strip().upper().replace(",", "").replace("/", "").replace(" ", "")
    if text in {"XY", "Y", "MALE", "M"}:
        return "male"
    if text in {"X", "XX", "FEMALE", "F"}:
        return "female"
    if text in {"", "NA", "UNKNOWN", "U", "?"}:
        return None
    raise ProfileError(f"sex/amelogenin {value!r} is not recognised")


@dataclass
class Profile:
    """One person's autosomal STR profile. Missing loci are simply absent from ``genotypes``."""

    genotypes: dict[str, Genotype] = field(default_factory=dict)
    sex: str | None = None
    kit: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], sex: object = None, kit: str | None = None) -> Profile:
        genotypes: dict[str, Genotype] = {}
        amel: object = sex
        for locus, value in data.items():
            if str(locus).strip().upper() in {"AMEL", "AMELOGENIN"}:
                amel = amel if amel is not None else value
                continue
            genotype = parse_genotype(value, str(locus))
            if genotype is not None:
                genotypes[str(locus)] = genotype
        return cls(genotypes=genotypes, sex=parse_sex(amel), kit=kit)

    def loci(self) -> set[str]:
        return set(self.genotypes)

    def fingerprint(self) -> tuple[tuple[str, Genotype], ...]:
        """Canonical content used for duplicate detection."""
        return tuple(sorted(self.genotypes.items()))
