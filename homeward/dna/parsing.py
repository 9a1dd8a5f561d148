"""Reading profile files: GeneMapper-style CSV/TSV exports and JSON, validated row by row.

Nothing here writes: the parser returns the samples it could read and the rows it refused, with a reason each,
and `services.profiles_import` decides what to store.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from homeward.dna import conf

ACCESSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-./]{2,39}$")
ALLELE_RE = re.compile(r"^\d{1,3}(\.\d)?$")
MISSING = frozenset({"", "-", "NA", "N/A", "?"})


@dataclass
class Refusal:
    line: int
    sample: str
    marker: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "sample": self.sample, "marker": self.marker, "reason": self.reason}


@dataclass
class ParsedSample:
    accession: str
    line: int
    genotypes: dict[str, str] = field(default_factory=dict)  # locus -> "a/b" (sorted; homozygote "a/a")
    amelogenin: str = ""
    y_haplotype: dict[str, str] = field(default_factory=dict)
    kit: str = ""
    category: str = ""
    family: str = ""
    collected_on: date | None = None
    typed_on: date | None = None
    refused: bool = False  # the whole sample is refused (a mixture, a duplicate entry...)


@dataclass
class Parsed:
    samples: list[ParsedSample]
    refusals: list[Refusal]
    n_rows: int


def normalise_allele(text: str) -> str:
    value = float(text)
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _fast_allele(text: str) -> str:
    if "." not in text:
        return str(int(text))
    return normalise_allele(text)


def _allele_key(a: str) -> float:
    return float(a)


def check_alleles(
    locus: str, raw: Iterable[object], *, max_alleles: int = 2, homozygote: bool = True
) -> tuple[list[str] | None, str]:
    """(alleles, "") or (None, reason). No allele at all is an untyped locus: ([], "")."""
    raw = list(raw)
    if len(raw) == 2 and homozygote:  # the common case, without the general path's overhead
        a, b = (str(v).strip() for v in raw)
        if ALLELE_RE.match(a) and ALLELE_RE.match(b):
            x, y = _fast_allele(a), _fast_allele(b)
            return ([x, y] if float(x) <= float(y) else [y, x]), ""
    values = [str(v).strip() for v in raw if v is not None and str(v).strip().upper() not in MISSING]
    if len(values) > max_alleles:
        return None, _("%(n)d alleles (a mixture); at most %(max)d allowed") % {
            "n": len(values),
            "max": max_alleles,
        }
    for v in values:
        if not ALLELE_RE.match(v):
            return None, _("allele %(allele)r is not a repeat number such as 15 or 9.3") % {"allele": v}
    alleles = sorted((normalise_allele(v) for v in values), key=_allele_key)
    if homozygote and len(alleles) == 1:
        alleles.append(alleles[0])
    return alleles, ""


def amelogenin_value(raw: Iterable[object]) -> tuple[str | None, str]:
    values = {str(v).strip().upper() for v in raw if v is not None and str(v).strip()}
    values -= {"NA", "-", "?"}
    if not values:
        return "", ""
    if values <= {"X", "Y"}:
        return ("XY" if "Y" in values else "XX"), ""
    if values <= {"XY", "XX"} and len(values) == 1:
        return values.pop(), ""
    return None, _("amelogenin %(value)s is not X or X,Y") % {"value": ",".join(sorted(values))}


class _Reader:
    def __init__(self, loci: Collection[str]) -> None:
        self.loci = {lc.upper(): lc for lc in loci}
        self.y_loci = {lc.upper(): lc for lc in conf.Y_LOCI}
        self.refusals: list[Refusal] = []

    def refuse(self, line: int, sample: str, marker: str, reason: str) -> None:
        self.refusals.append(Refusal(line, sample, marker, reason))

    def add_marker(self, sample: ParsedSample, line: int, marker: str, raw: list[object]) -> None:
        key = marker.strip().upper().replace(" ", "")
        if key in conf.AMELOGENIN_NAMES:
            value, reason = amelogenin_value(raw)
            if value is None:
                self.refuse(line, sample.accession, marker, reason)
            else:
                sample.amelogenin = value
            return
        if key in self.y_loci:
            locus = self.y_loci[key]
            copies = conf.Y_LOCI[locus]
            alleles, reason = check_alleles(locus, raw, max_alleles=copies, homozygote=False)
            if alleles is None:
                self.refuse(line, sample.accession, marker, reason)
                if len([v for v in raw if v is not None and str(v).strip()]) > copies:
                    sample.refused = True
                return
            if alleles and len(alleles) != copies:
                alleles = alleles * copies if len(alleles) == 1 else alleles
            if locus in sample.y_haplotype:
                self.refuse(line, sample.accession, marker, _("marker listed twice for this sample"))
            elif alleles:
                sample.y_haplotype[locus] = "-".join(alleles)
            return
        found = self.loci.get(marker.strip().upper())
        if found is None:
            self.refuse(
                line, sample.accession, marker, _("unknown locus (not in the active frequency table)")
            )
            return
        locus = found
        alleles, reason = check_alleles(locus, raw)
        if alleles is None:
            self.refuse(line, sample.accession, marker, reason)
            if len([v for v in raw if v is not None and str(v).strip()]) > 2:
                sample.refused = True  # a mixed stain is not one person's profile
            return
        if locus in sample.genotypes:
            self.refuse(line, sample.accession, marker, _("marker listed twice for this sample"))
            return
        if alleles:
            sample.genotypes[locus] = "/".join(alleles)


def parse_csv(text: str, loci: Collection[str]) -> Parsed:
    """GeneMapper-style export: one row per sample and marker; columns Sample Name, Marker, Allele 1, Allele 2 …
    (other columns such as Panel, Dye or Size are ignored). Comma- or tab-separated."""
    reader_state = _Reader(loci)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first else ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(rows, None)
    if header is None:
        return Parsed([], [Refusal(1, "", "", _("the file is empty"))], 0)
    names = [h.strip().lower() for h in header]
    try:
        i_sample = names.index("sample name")
        i_marker = names.index("marker")
    except ValueError:
        return Parsed([], [Refusal(1, "", "", _("the header needs the columns Sample Name and Marker"))], 0)
    allele_cols = [i for i, h in enumerate(names) if re.fullmatch(r"allele\s*\d+", h)]
    if not allele_cols:
        return Parsed([], [Refusal(1, "", "", _("the header needs Allele 1, Allele 2 … columns"))], 0)
    samples: dict[str, ParsedSample] = {}
    n_rows = 0
    for lineno, row in enumerate(rows, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        n_rows += 1
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        name = row[i_sample].strip()
        marker = row[i_marker].strip()
        if not ACCESSION_RE.match(name):
            reader_state.refuse(
                lineno, name[:40], marker[:20], _("sample name is not a valid accession number")
            )
            continue
        if not marker:
            reader_state.refuse(lineno, name, "", _("empty marker"))
            continue
        sample = samples.setdefault(name, ParsedSample(accession=name, line=lineno))
        reader_state.add_marker(sample, lineno, marker[:20], [row[i] for i in allele_cols])
    return Parsed(list(samples.values()), reader_state.refusals, n_rows)


JSON_SAMPLE_KEYS = {
    "accession",
    "category",
    "family",
    "kit",
    "collected_on",
    "typed_on",
    "amelogenin",
    "genotypes",
    "y_haplotype",
}


def parse_json(text: str | bytes, loci: Collection[str]) -> Parsed:
    """`{"samples": [{"accession", "genotypes": {locus: "a/b" or [a, b]}, "amelogenin", "y_haplotype",
    "kit", "category", "family", "collected_on", "typed_on"}]}` (or the list alone). A "row" is one sample;
    its line number is its position in the list (1-based)."""
    state = _Reader(loci)
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        return Parsed([], [Refusal(0, "", "", _("not valid JSON: %(error)s") % {"error": str(exc)[:120]})], 0)
    items = data.get("samples") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return Parsed([], [Refusal(0, "", "", _('expected {"samples": [...]} or a list of samples'))], 0)
    samples: list[ParsedSample] = []
    seen: set[str] = set()
    for k, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            state.refuse(k, "", "", _("a sample must be an object"))
            continue
        accession = str(item.get("accession", "")).strip()
        if not ACCESSION_RE.match(accession):
            state.refuse(k, accession[:40], "", _("missing or invalid accession number"))
            continue
        unknown = set(item) - JSON_SAMPLE_KEYS
        if unknown:
            state.refuse(
                k, accession, "", _("unknown field(s): %(f)s") % {"f": ", ".join(sorted(unknown))[:100]}
            )
            continue
        if accession in seen:
            state.refuse(k, accession, "", _("this accession appears twice in the file"))
            continue
        seen.add(accession)
        sample = ParsedSample(accession=accession, line=k)
        for key in ("kit", "category", "family"):
            value = item.get(key)
            if value is not None and not isinstance(value, str):
                state.refuse(k, accession, key, _("%(key)s must be text") % {"key": key})
                sample.refused = True
            elif value:
                setattr(sample, key, value.strip()[:60])
        for key in ("collected_on", "typed_on"):
            value = item.get(key)
            if value in (None, ""):
                continue
            try:
                setattr(sample, key, date.fromisoformat(str(value)))
            except ValueError:
                state.refuse(k, accession, key, _("%(key)s is not a date YYYY-MM-DD") % {"key": key})
                sample.refused = True
        genotypes = item.get("genotypes", {})
        haplotype = item.get("y_haplotype", {}) or {}
        if not isinstance(genotypes, Mapping) or not isinstance(haplotype, Mapping):
            state.refuse(k, accession, "", _("genotypes and y_haplotype must be objects {locus: value}"))
            continue
        if item.get("amelogenin") is not None:
            state.add_marker(sample, k, "AMEL", _split(item.get("amelogenin")))
        for marker, raw in list(genotypes.items()) + list(haplotype.items()):
            state.add_marker(sample, k, str(marker)[:20], _split(raw))
        samples.append(sample)
    return Parsed(samples, state.refusals, len(items))


def _split(raw: object) -> list[object]:
    if isinstance(raw, list | tuple):
        return list(raw)
    if raw is None:
        return []
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return ["?invalid"]
    text = str(raw)
    for sep in (",", ";", " ", "|", "-"):
        text = text.replace(sep, "/")
    return [p for p in text.split("/") if p.strip()]


def genotype_pair(value: str) -> tuple[str, str]:
    a, b = value.split("/")
    return a, b
