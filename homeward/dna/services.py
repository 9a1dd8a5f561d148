"""Writes of the DNA database. Each validates first, then writes and audits in one transaction; searches run in
the background (`tasks.py`) and are enqueued after commit.

Only police DNA staff write here (`selectors.require`); a civil-affairs or any other non-police user is answered
with a 404, as if the DNA database did not exist.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.roles import Role
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.audit.refusals import kept_refusals
from homeward.dna import conf, parsing
from homeward.dna import index as worker_index
from homeward.dna.models import (
    OPEN_STATUSES,
    PATERNAL_LINE_MALES,
    QUERY_CATEGORIES,
    REFERENCE_CATEGORIES,
    SINGLE_IN_FAMILY,
    Candidate,
    CandidateStatus,
    Category,
    DuplicateFlag,
    Family,
    FrequencyTable,
    ImportBatch,
    IndexState,
    LineageLead,
    Review,
    ReviewAction,
    Sample,
    SampleStatus,
    Search,
    SearchKind,
    SearchStatus,
    StrProfile,
    YHaplotype,
)
from homeward.dna.selectors import (
    candidate_get,
    clean_purpose,
    confirmed_match,
    family_get,
    family_visible,
    registration_blockers,
    require,
    sample_get,
    search_get,
)
from homeward.engines.kinship import Candidate as EngineCandidate
from homeward.engines.kinship import FrequencyError, SearchResult, merge_results
from homeward.engines.kinship import FrequencyTable as EngineTable
from homeward.notifications.services import notify

log = logging.getLogger(__name__)
WORKER_LABEL = "dna-search-worker"


def _actor_jurisdiction(actor: Any) -> str:
    code = getattr(actor, "jurisdiction", None)
    if not code:
        raise PermissionDenied
    return str(code)


# ---------------------------------------------------------------- frequency tables


def parse_frequency_csv(text: str) -> dict[str, dict[str, float]]:
    """`locus,allele,freq` rows into a mapping; ValidationError naming the line for any bad row."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None or [h.strip().lower() for h in header[:3]] != ["locus", "allele", "freq"]:
        raise ValidationError(_("Line 1: the header must be locus,allele,freq."))
    data: dict[str, dict[str, float]] = {}
    for lineno, row in enumerate(rows, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != 3:
            raise ValidationError(_("Line %(n)d: expected 3 fields.") % {"n": lineno})
        locus, allele, freq = (c.strip() for c in row)
        try:
            value = float(freq)
        except ValueError:
            raise ValidationError(
                _("Line %(n)d: frequency %(f)r is not a number.") % {"n": lineno, "f": freq}
            ) from None
        if not parsing.ALLELE_RE.match(allele) or not locus:
            raise ValidationError(_("Line %(n)d: bad locus or allele.") % {"n": lineno})
        if not 0 <= value <= 1 or math.isnan(value):
            raise ValidationError(_("Line %(n)d: a frequency is between 0 and 1.") % {"n": lineno})
        allele = parsing.normalise_allele(allele)
        if allele in data.setdefault(locus, {}):
            raise ValidationError(_("Line %(n)d: allele listed twice.") % {"n": lineno})
        data[locus][allele] = value
    if not data:
        raise ValidationError(_("The file has no frequency rows."))
    return data


@kept_refusals
def frequency_table_load(
    *,
    actor: Any,
    name: str,
    version: str,
    csv_text: str,
    sample_size: int | None = None,
    min_freq: str = "5/2N",
    population: str = "",
    source: str = "",
    activate: bool = False,
) -> FrequencyTable:
    """Store a new version of a frequency table. `actor=None` is the management command."""
    if actor is not None:
        require(actor, "dna.manage_tables", what="dna.frequencytable")
    name, version = (name or "").strip()[:60], (version or "").strip()[:20]
    if not name or not version:
        raise ValidationError(_("A table needs a name and a version."))
    if FrequencyTable.objects.filter(name=name, version=version).exists():
        raise ValidationError(
            _("Table %(name)s version %(version)s already exists.") % {"name": name, "version": version}
        )
    if sample_size is not None and sample_size <= 0:
        raise ValidationError(_("The sample size is a positive number."))
    data = parse_frequency_csv(csv_text)
    try:
        EngineTable.from_mapping(data, name=name, version=version, sample_size=sample_size)
        from homeward.engines.kinship import MinFrequencyRule

        MinFrequencyRule.parse(min_freq or None, sample_size=sample_size)
    except FrequencyError as exc:
        raise ValidationError(str(exc)) from exc
    if len(data) > 64:
        raise ValidationError(_("At most 64 loci per table."))
    table = FrequencyTable.objects.create(
        name=name,
        version=version,
        sample_size=sample_size,
        min_freq=min_freq,
        population=population[:120],
        source=source[:200],
        data=data,
        n_loci=len(data),
        loaded_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=table,
        actor_label="" if actor else "manage.py",
        detail={"name": name, "version": version, "loci": len(data)},
    )
    if activate:
        _activate(table)
    return table


def _activate(table: FrequencyTable) -> None:
    FrequencyTable.objects.exclude(pk=table.pk).filter(is_active=True).update(is_active=False)
    FrequencyTable.objects.filter(pk=table.pk).update(is_active=True)
    table.is_active = True


@kept_refusals
def frequency_table_activate(*, actor: Any, table_id: int) -> FrequencyTable:
    require(actor, "dna.manage_tables", what="dna.frequencytable")
    table = FrequencyTable.objects.select_for_update().filter(pk=table_id).first()
    if table is None:
        raise ValidationError(_("No such table."))
    _activate(table)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=table, detail={"activated": True})
    return table


def bundled_tables_load(*, activate: str = "nist1036-asian") -> list[FrequencyTable]:
    """The two tables shipped with the kinship engine (demo, tests, first installation). Idempotent."""
    from homeward.engines.kinship.frequencies import DATA_DIR

    out = []
    meta = {
        "nist1036-asian": ("2017", 97, "NIST 1036 U.S. population samples, Asian", "NIST STRBase"),
        "uk-dna17-chinese": ("2014", 203, "UK Chinese", "UK Forensic Science Regulator"),
    }
    for name, (version, size, population, source) in meta.items():
        existing = FrequencyTable.objects.filter(name=name, version=version).first()
        if existing is None:
            existing = frequency_table_load(
                actor=None,
                name=name,
                version=version,
                csv_text=(DATA_DIR / f"{name}.csv").read_text(encoding="utf-8"),
                sample_size=size,
                population=population,
                source=source,
            )
        out.append(existing)
    if not FrequencyTable.objects.filter(is_active=True).exists():
        with transaction.atomic():
            _activate(next(t for t in out if t.name == activate))
    return out


# ---------------------------------------------------------------- families and samples


@kept_refusals
def family_create(
    *, actor: Any, reference: str = "", missing_since: date | None = None, note: str = ""
) -> Family:
    require(actor, "dna.add_sample", what="dna.family")
    jurisdiction = _actor_jurisdiction(actor)
    reference = (reference or "").strip()
    if reference and not parsing.ACCESSION_RE.match(reference):
        raise ValidationError({"reference": [_("A family number is 3–40 letters, digits, - _ . /")]})
    if len(note) > 300:
        raise ValidationError({"note": [_("At most 300 characters.")]})
    if missing_since and missing_since > timezone.localdate():
        raise ValidationError({"missing_since": [_("The date is in the future.")]})
    if reference and Family.objects.filter(reference=reference).exists():
        raise ValidationError({"reference": [_("This family number is already in use.")]})
    family = Family.objects.create(
        reference=reference or f"tmp-{timezone.now().timestamp()}",
        jurisdiction=jurisdiction,
        agency=actor.agency,
        missing_since=missing_since,
        note=note.strip(),
        created_by=actor,
    )
    if not reference:
        family.reference = f"F{jurisdiction}-{family.pk:07d}"
        family.save(update_fields=["reference"])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=family)
    return family


@dataclass
class SampleData:
    accession: str
    category: str
    family_id: int | None = None
    kit: str = ""
    collected_on: date | None = None
    typed_on: date | None = None
    genotypes: dict[str, Any] = field(default_factory=dict)  # {locus: "a/b"} (optional: profile typed later)
    amelogenin: str = ""
    y_haplotype: dict[str, Any] = field(default_factory=dict)


def _sample_errors(actor: Any, data: SampleData, family: Family | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not parsing.ACCESSION_RE.match(data.accession or ""):
        err("accession", _("An accession number is 3–40 letters, digits, - _ . /"))
    elif Sample.objects.filter(accession=data.accession).exists():
        err("accession", _("This accession number is already in use."))
    if data.category not in QUERY_CATEGORIES | REFERENCE_CATEGORIES:
        err("category", _("Unknown category."))
    elif data.category in REFERENCE_CATEGORIES:
        if family is None:
            err("family", _("A parent or relative belongs to the family of one missing child."))
        elif (
            data.category in SINGLE_IN_FAMILY
            and family.samples.filter(category=data.category, status=SampleStatus.ACTIVE).exists()
        ):
            err("category", _("This family already has a sample in this category."))
    elif family is not None:
        err("family", _("A query sample does not belong to a family."))
    today = timezone.localdate()
    for key in ("collected_on", "typed_on"):
        value = getattr(data, key)
        if value and value > today:
            err(key, _("The date is in the future."))
    if data.collected_on and data.typed_on and data.typed_on < data.collected_on:
        err("typed_on", _("Typed before it was collected."))
    if len(data.kit or "") > 60:
        err("kit", _("At most 60 characters."))
    return errors


def _parsed_from_data(
    actor: Any, data: SampleData
) -> tuple[parsing.ParsedSample | None, list[parsing.Refusal]]:
    if not data.genotypes and not data.y_haplotype:
        return None, []
    table = worker_index.active_table()
    if table is None:
        raise ValidationError(_("No active frequency table: a laboratory manager must load one first."))
    payload = {
        "samples": [
            {
                "accession": data.accession,
                "genotypes": data.genotypes,
                "y_haplotype": data.y_haplotype,
                **({"amelogenin": data.amelogenin} if data.amelogenin else {}),
            }
        ]
    }
    import json

    parsed = parsing.parse_json(json.dumps(payload), list(table.data))
    return (parsed.samples[0] if parsed.samples else None), parsed.refusals


@kept_refusals
def sample_register(*, actor: Any, data: SampleData, purpose: str = "") -> Sample:
    """Register a sample (and its profile when typed). A profile is searched automatically after commit."""
    require(actor, "dna.add_sample", what="dna.sample")
    jurisdiction = _actor_jurisdiction(actor)
    family = None
    if data.family_id is not None:
        family = family_get(actor=actor, family_id=data.family_id, audit_read=False)
    errors = _sample_errors(actor, data, family)
    parsed, refusals = _parsed_from_data(actor, data) if not errors else (None, [])
    for r in refusals:
        errors.setdefault("genotypes", []).append(f"{r.marker}: {r.reason}" if r.marker else r.reason)
    if parsed is not None and not refusals:
        errors.update(_profile_errors(parsed))
    if errors:
        raise ValidationError(errors)
    sample = Sample.objects.create(
        accession=data.accession,
        category=data.category,
        family=family,
        agency=actor.agency,
        jurisdiction=jurisdiction,
        kit=data.kit,
        collected_on=data.collected_on,
        typed_on=data.typed_on,
        created_by=actor,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=sample, purpose=purpose[:200])
    if parsed is not None:
        _store_profiles([(sample, parsed)])
        _auto_searches(actor, [sample])
    return sample


def _profile_errors(parsed: parsing.ParsedSample) -> dict[str, list[str]]:
    if parsed.refused:
        return {"genotypes": [_("The profile is refused (a mixture or a repeated marker).")]}
    if parsed.genotypes and len(parsed.genotypes) < conf.min_loci():
        return {"genotypes": [_("At least %(n)d typed loci are needed.") % {"n": conf.min_loci()}]}
    if not parsed.genotypes and len(parsed.y_haplotype) < conf.y_min_loci():
        return {"genotypes": [_("No autosomal genotypes, and too few Y-STR loci.")]}
    return {}


def fingerprint(genotypes: dict[str, str]) -> str:
    canonical = ";".join(f"{k}={v}" for k, v in sorted(genotypes.items()))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _store_profiles(pairs: Sequence[tuple[Sample, parsing.ParsedSample]]) -> list[tuple[Sample, Sample]]:
    """Profiles and Y haplotypes in bulk; exact duplicates of stored profiles flagged. Returns (sample, dup of)."""
    profiles = []
    haplotypes = []
    for sample, parsed in pairs:
        if parsed.genotypes:
            profiles.append(
                StrProfile(
                    sample=sample,
                    genotypes=parsed.genotypes,
                    amelogenin=parsed.amelogenin,
                    kit=parsed.kit or sample.kit,
                    n_loci=len(parsed.genotypes),
                    fingerprint=fingerprint(parsed.genotypes),
                )
            )
        if parsed.y_haplotype:
            haplotypes.append(
                YHaplotype(sample=sample, haplotype=parsed.y_haplotype, n_loci=len(parsed.y_haplotype))
            )
    by_print: dict[str, list[Sample]] = {}
    n_loci = {p.sample.pk: p.n_loci for p in profiles}
    for p in profiles:
        by_print.setdefault(p.fingerprint, []).append(p.sample)
    # Exact duplicates among stored profiles and within this batch.
    stored: dict[str, list[int]] = {}
    prints = list(by_print)
    for start in range(0, len(prints), 500):
        for fp, sid in StrProfile.objects.filter(
            fingerprint__in=prints[start : start + 500], is_active=True
        ).values_list("fingerprint", "sample_id"):
            stored.setdefault(fp, []).append(sid)
    StrProfile.objects.bulk_create(profiles, batch_size=2000)
    YHaplotype.objects.bulk_create(haplotypes, batch_size=2000)
    flags: list[DuplicateFlag] = []
    found: list[tuple[Sample, Sample]] = []
    for fp, samples in by_print.items():
        earlier_ids = stored.get(fp, [])
        earlier = list(Sample.objects.filter(pk__in=earlier_ids)) if earlier_ids else []
        chain = earlier + samples
        for k, sample in enumerate(chain):
            if k == 0 or sample in earlier:
                continue
            flags.append(DuplicateFlag(sample=sample, duplicate_of=chain[0], shared_loci=n_loci[sample.pk]))
            found.append((sample, chain[0]))
    if flags:
        DuplicateFlag.objects.bulk_create(flags, ignore_conflicts=True)
    return found


@kept_refusals
def sample_withdraw(*, actor: Any, sample_id: int, reason: str) -> Sample:
    """Take a sample out of the database (consent withdrawn, sample destroyed, mix-up). Workers rebuild."""
    require(actor, "dna.withdraw_sample", what="dna.sample")
    sample = sample_get(actor=actor, sample_id=sample_id, audit_read=False)
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationError({"reason": [_("Give a reason (at least 5 characters).")]})
    updated = Sample.objects.filter(pk=sample.pk, status=SampleStatus.ACTIVE).update(
        status=SampleStatus.WITHDRAWN, withdrawn_reason=reason[:300]
    )
    if not updated:
        raise ValidationError(_("The sample is already withdrawn."))
    StrProfile.objects.filter(sample=sample).update(is_active=False)
    YHaplotype.objects.filter(sample=sample).update(is_active=False)
    IndexState.objects.get_or_create(pk=1)
    IndexState.objects.filter(pk=1).update(removals=F("removals") + 1)
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=sample, purpose=reason[:200], detail={"withdrawn": True}
    )
    sample.refresh_from_db()
    return sample


@kept_refusals
def duplicate_resolve(*, actor: Any, flag_id: int, resolution: str) -> DuplicateFlag:
    require(actor, "dna.review_candidate", what="dna.duplicateflag")
    flag = DuplicateFlag.objects.select_related("sample").filter(pk=flag_id).first()
    if flag is None:
        raise ValidationError(_("No such duplicate flag."))
    sample_get(actor=actor, sample_id=flag.sample_id, audit_read=False)
    resolution = " ".join((resolution or "").split())
    if len(resolution) < 5:
        raise ValidationError({"resolution": [_("Say what the duplicate is (at least 5 characters).")]})
    if not DuplicateFlag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor, resolution=resolution[:300]
    ):
        raise ValidationError(_("The flag is already resolved."))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=flag.sample,
        detail={"duplicate_resolved": flag.duplicate_of_id},
    )
    flag.refresh_from_db()
    return flag


# ---------------------------------------------------------------- import


@dataclass
class ImportOptions:
    fmt: str  # "csv" or "json"
    file_name: str = ""
    register_category: str = ""  # CSV: register unknown sample names as new query samples of this category
    kit: str = ""


def _families_by_reference(actor: Any, references: set[str]) -> dict[str, Family | None]:
    """Existing families named in a file: the Family when the actor may see it, None when it is another's."""
    out: dict[str, Family | None] = {}
    wanted = sorted(references)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        visible = {f.reference: f for f in family_visible(actor, Family.objects.filter(reference__in=chunk))}
        for reference in Family.objects.filter(reference__in=chunk).values_list("reference", flat=True):
            out[reference] = visible.get(reference)
    return out


@kept_refusals
def profiles_import(*, actor: Any, content: bytes | str, options: ImportOptions) -> ImportBatch:
    """Import typed profiles. Rows are validated one by one; bad rows are refused with a reason, good samples are
    stored (registering new ones where the file or the options say how) and searched after commit."""
    require(actor, "dna.add_sample", what="dna.importbatch")
    jurisdiction = _actor_jurisdiction(actor)
    if options.fmt not in ("csv", "json"):
        raise ValidationError({"format": [_("The format is csv or json.")]})
    if options.register_category and options.register_category not in QUERY_CATEGORIES:
        raise ValidationError(
            {"register_category": [_("Only query samples can be registered from a CSV file.")]}
        )
    if len(content) > conf.MAX_IMPORT_BYTES:
        raise ValidationError({"file": [_("The file is larger than 20 MB.")]})
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": [_("The file is not UTF-8 text.")]}) from None
    else:
        text = content
    table = worker_index.active_table()
    if table is None:
        raise ValidationError(_("No active frequency table: a laboratory manager must load one first."))
    loci = list(table.data)
    parsed = parsing.parse_csv(text, loci) if options.fmt == "csv" else parsing.parse_json(text, loci)
    if len(parsed.samples) > conf.MAX_IMPORT_SAMPLES:
        raise ValidationError({"file": [_("At most 200,000 samples per file.")]})
    refusals = list(parsed.refusals)
    refused_samples = {r.sample for r in refusals if r.sample}
    accessions = [s.accession for s in parsed.samples]
    existing: dict[str, Sample] = {}
    for start in range(0, len(accessions), 500):
        for sample in Sample.objects.filter(accession__in=accessions[start : start + 500]).select_related(
            "family"
        ):
            existing[sample.accession] = sample
    has_profile = (
        set(
            StrProfile.objects.filter(sample__in=[s.pk for s in existing.values()]).values_list(
                "sample_id", flat=True
            )
        )
        if existing
        else set()
    )
    families: dict[str, Family | None] = {}
    known_families = _families_by_reference(actor, {p.family for p in parsed.samples if p.family})
    new_family_counts: dict[str, dict[str, int]] = {}
    to_create: list[tuple[Sample, parsing.ParsedSample]] = []
    to_attach: list[tuple[Sample, parsing.ParsedSample]] = []
    new_families: list[Family] = []

    def refuse(p: parsing.ParsedSample, reason: str) -> None:
        refusals.append(parsing.Refusal(p.line, p.accession, "", reason))

    for p in parsed.samples:
        if p.refused:
            refuse(p, _("sample refused: its profile is a mixture or has a repeated marker"))
            continue
        problems = _profile_errors(p)
        if problems:
            refuse(p, problems["genotypes"][0])
            continue
        p.kit = p.kit or options.kit
        known = existing.get(p.accession)
        if known is not None:
            sample = known
            if sample.jurisdiction != jurisdiction and not sample.jurisdiction.startswith(
                actor.scope_prefix or "\0"
            ):
                refuse(p, _("the accession number belongs to another laboratory"))
            elif sample.pk in has_profile:
                refuse(p, _("this sample already has a profile"))
            elif sample.status != SampleStatus.ACTIVE:
                refuse(p, _("the sample is withdrawn"))
            else:
                to_attach.append((sample, p))
            continue
        category = p.category or options.register_category
        if not category:
            refuse(
                p,
                _(
                    "no registered sample with this accession (register it, or choose a category for new samples)"
                ),
            )
            continue
        if category not in QUERY_CATEGORIES | REFERENCE_CATEGORIES:
            refuse(p, _("unknown category %(c)r") % {"c": category})
            continue
        family = None
        if category in REFERENCE_CATEGORIES:
            if not p.family:
                refuse(p, _("a parent or relative needs a family number"))
                continue
            if p.family not in families:
                if not parsing.ACCESSION_RE.match(p.family):
                    families[p.family] = None
                elif p.family not in known_families:
                    found = Family(
                        reference=p.family, jurisdiction=jurisdiction, agency=actor.agency, created_by=actor
                    )
                    new_families.append(found)
                    families[p.family] = found
                else:
                    families[p.family] = known_families[p.family]  # None: another laboratory's family
            family = families[p.family]
            if family is None:
                refuse(
                    p,
                    _("family %(f)s belongs to another laboratory or is not a valid number")
                    % {"f": p.family},
                )
                continue
            counts = new_family_counts.setdefault(p.family, {})
            if category in SINGLE_IN_FAMILY:
                already = counts.get(category, 0) or (
                    family.pk is not None
                    and family.samples.filter(category=category, status=SampleStatus.ACTIVE).exists()
                )
                if already:
                    refuse(
                        p,
                        _("family %(f)s already has a %(c)s")
                        % {"f": p.family, "c": Category(category).label},
                    )
                    continue
            counts[category] = counts.get(category, 0) + 1
        elif p.family:
            refuse(p, _("a query sample does not belong to a family"))
            continue
        to_create.append(
            (
                Sample(
                    accession=p.accession,
                    category=category,
                    family=family,
                    agency=actor.agency,
                    jurisdiction=jurisdiction,
                    kit=p.kit,
                    collected_on=p.collected_on,
                    typed_on=p.typed_on,
                    created_by=actor,
                ),
                p,
            )
        )
    Family.objects.bulk_create(new_families, batch_size=2000)
    if new_families and new_families[0].pk is None:  # backends without RETURNING ids
        ids = dict(
            Family.objects.filter(reference__in=[f.reference for f in new_families]).values_list(
                "reference", "pk"
            )
        )
        for f in new_families:
            f.pk = ids[f.reference]
    for sample, _p in to_create:
        if sample.family is not None:
            sample.family_id = sample.family.pk
    Sample.objects.bulk_create([s for s, _p in to_create], batch_size=2000)
    if to_create and to_create[0][0].pk is None:
        ids = dict(
            Sample.objects.filter(accession__in=[s.accession for s, _p in to_create]).values_list(
                "accession", "pk"
            )
        )
        for s, _p in to_create:
            s.pk = ids[s.accession]
    stored = to_create + to_attach
    for sample, p in to_attach:
        if p.kit and not sample.kit:
            Sample.objects.filter(pk=sample.pk).update(kit=p.kit[:60])
    duplicates = _store_profiles(stored)
    refused_lines = sorted(refusals, key=lambda r: (r.line, r.marker))
    batch = ImportBatch.objects.create(
        jurisdiction=jurisdiction,
        file_name=options.file_name[:200],
        format=options.fmt,
        created_by=actor,
        n_rows=parsed.n_rows,
        n_imported=len(stored),
        n_refused_rows=len(refused_lines),
        imported=[s.accession for s, _p in stored][:5000],
        refused=[r.as_dict() for r in refused_lines][:5000],
        duplicates=[{"sample": a.accession, "duplicate_of": b.accession} for a, b in duplicates][:1000],
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=batch,
        detail={
            "imported": len(stored),
            "refused_rows": len(refused_lines),
            "refused_samples": len(refused_samples),
            "new_families": len(new_families),
        },
    )
    _auto_searches(actor, [s for s, _p in stored])
    return batch


# ---------------------------------------------------------------- searches


def _new_search(
    *, actor: Any, kind: str, jurisdiction: str, purpose: str, automatic: bool, sample: Sample | None = None
) -> Search:
    shards = conf.search_shards() if kind == SearchKind.CHILD else 1
    search = Search.objects.create(
        kind=kind,
        sample=sample,
        jurisdiction=jurisdiction,
        purpose=purpose[:200],
        automatic=automatic,
        requested_by=actor,
        n_shards=shards,
    )
    audit.record(
        actor=actor,
        action=AuditAction.SEARCH,
        obj=search,
        purpose=purpose[:200],
        detail={"kind": kind, "sample": sample.accession if sample else None, "automatic": automatic},
    )
    transaction.on_commit(partial(_enqueue, search.pk, shards))
    return search


def _enqueue(search_id: int, shards: int) -> None:
    from homeward.dna import tasks

    if shards == 1:
        tasks.run_search.enqueue(search_id)
    else:
        for shard in range(shards):
            tasks.run_search_shard.enqueue(search_id, shard)


def _auto_searches(actor: Any, samples: Sequence[Sample]) -> list[Search]:
    """Every new profile is searched against the other side: a query against everything, new reference
    profiles (as their families) against every query profile — one search per query, one for all families."""
    searches = []
    family_ids: set[int] = set()
    for sample in samples:
        if sample.category in QUERY_CATEGORIES:
            searches.append(
                _new_search(
                    actor=actor,
                    kind=SearchKind.CHILD,
                    jurisdiction=sample.jurisdiction,
                    purpose=_("automatic search of a new profile"),
                    automatic=True,
                    sample=sample,
                )
            )
        elif sample.family_id is not None:
            family_ids.add(sample.family_id)
    if family_ids:
        search = _new_search(
            actor=actor,
            kind=SearchKind.FAMILIES,
            jurisdiction=_actor_jurisdiction(actor),
            purpose=_("automatic search of new reference profiles"),
            automatic=True,
        )
        search.families.add(*sorted(family_ids))
        searches.append(search)
    return searches


@kept_refusals
def search_request(*, actor: Any, sample_id: Any = None, family_id: Any = None, purpose: str) -> Search:
    """A manual search (again) of a query sample or a family, with the purpose written to the audit row."""
    require(actor, "dna.search", what="dna.search")
    purpose = clean_purpose(purpose)
    if (sample_id is None) == (family_id is None):
        raise ValidationError(_("Search one sample or one family."))
    if sample_id is not None:
        sample = sample_get(actor=actor, sample_id=sample_id, audit_read=False)
        if sample.status != SampleStatus.ACTIVE or not hasattr(sample, "profile"):
            raise ValidationError(_("Only an active sample with a profile can be searched."))
        if sample.category not in QUERY_CATEGORIES:
            if sample.family is None:
                raise ValidationError(_("This reference sample has no family."))
            family_id = sample.family_id
        else:
            return _new_search(
                actor=actor,
                kind=SearchKind.CHILD,
                jurisdiction=sample.jurisdiction,
                purpose=purpose,
                automatic=False,
                sample=sample,
            )
    family = family_get(actor=actor, family_id=family_id, audit_read=False)
    search = _new_search(
        actor=actor,
        kind=SearchKind.FAMILIES,
        jurisdiction=family.jurisdiction,
        purpose=purpose,
        automatic=False,
    )
    search.families.add(family)
    return search


def search_execute(*, search_id: int, shard: int | None = None) -> None:
    """Run (a shard of) a search in a worker. Idempotent: a finished search is left alone, and candidates are
    unique per (query, kind, references), so a retried task stores nothing twice."""
    search = Search.objects.filter(pk=search_id).select_related("sample").first()
    if search is None or search.status == SearchStatus.DONE:
        return
    Search.objects.filter(pk=search.pk, status__in=[SearchStatus.QUEUED, SearchStatus.FAILED]).update(
        status=SearchStatus.RUNNING, started_at=timezone.now()
    )
    try:
        if search.kind == SearchKind.CHILD:
            payload = _run_child(search, shard or 0, search.n_shards if shard is not None else 1)
        else:
            payload = _run_families(search)
    except (LookupError, ValueError) as exc:
        log.exception("DNA search %s failed", search_id)
        with transaction.atomic():
            Search.objects.filter(pk=search.pk).exclude(status=SearchStatus.DONE).update(
                status=SearchStatus.FAILED, error=str(exc)[:300]
            )
            audit.record(
                actor=None,
                actor_label=WORKER_LABEL,
                action=AuditAction.SEARCH,
                obj=search,
                outcome=AuditOutcome.FAILURE,
                detail={"error": str(exc)[:200]},
            )
        return
    _finish(search.pk, shard if shard is not None else 0, payload)


def _serialise(result: SearchResult) -> dict[str, Any]:
    return {
        "n_compared": result.n_compared,
        "candidates": [
            {
                "kind": c.kind,
                "ids": list(c.reference_ids),
                "family": c.family_id,
                "log10": None if c.log10_lr == -math.inf else c.log10_lr,
                "per_locus": c.per_locus,
                "incons": c.n_inconsistent,
                "conclusion": c.conclusion,
            }
            for c in result.candidates
        ],
    }


def _deserialise(data: dict[str, Any]) -> SearchResult:
    cands = [
        EngineCandidate(
            c["kind"],
            tuple(c["ids"]),
            c["family"],
            -math.inf if c["log10"] is None else c["log10"],
            c["per_locus"],
            c["incons"],
            c["conclusion"],
        )
        for c in data["candidates"]
    ]
    return SearchResult(None, cands, dict(data["n_compared"]))


def merge_shard_payloads(results: dict[str, dict[str, Any]], n_shards: int) -> dict[str, Any]:
    """Combine the shards' results ({"0": payload, ...}) into what one process searching the whole reference set
    gives: candidates re-ranked by the engine's `merge_results`, counts summed. Pure and idempotent: a shard
    retried stores the same payload under the same key, and the shards' finishing order does not matter."""
    missing = [k for k in range(n_shards) if str(k) not in results]
    if missing:
        raise ValueError(f"shards {missing} have not reported")
    parts = [results[str(k)] for k in range(n_shards)]
    merged = merge_results([_deserialise(p) for p in parts], conf.report_threshold(), conf.n_below())
    return {
        **_serialise(merged),
        "table": parts[0]["table"],
        "references": sum(p["references"] for p in parts),
        "leads": [lead for p in parts for lead in p["leads"]],
        "duplicates": sorted({d for p in parts for d in p["duplicates"]}),
    }


def child_search_payload(*, search: Search, shard: int = 0, n_shards: int = 1) -> dict[str, Any]:
    """One shard's result of a child search (the whole search when n_shards is 1), computed by the kinship engine
    on this worker's index of the shard's references."""
    return _run_child(search, shard, n_shards)


def _run_child(search: Search, shard: int, n_shards: int) -> dict[str, Any]:
    assert search.sample is not None
    w = worker_index.get(shard, n_shards)
    profile_row = StrProfile.objects.filter(sample=search.sample, is_active=True).first()
    y_row = YHaplotype.objects.filter(sample=search.sample, is_active=True).first()
    payload: dict[str, Any] = {"table": w.table_id, "references": len(w.index), "leads": [], "duplicates": []}
    sid = str(search.sample.pk)
    if profile_row is not None:
        profile = worker_index.to_profile(profile_row.genotypes, profile_row.amelogenin)
        result = w.index.search_child(profile, query_id=sid)
        payload.update(_serialise(result))
        dups = w.index.find_duplicates(profile, min_shared=conf.duplicate_min_shared())
        payload["duplicates"] = [d for d in dups if d != sid]
    else:
        payload.update({"n_compared": {}, "candidates": []})
    is_female = profile_row is not None and profile_row.amelogenin == "XX"
    if y_row is not None and shard == 0 and not is_female:
        payload["leads"] = _lineage(w, y_row.haplotype, want_query=False, exclude=sid)
    return payload


def _lineage(
    w: worker_index.WorkerIndex, haplotype: dict[str, str], *, want_query: bool, exclude: str
) -> list[dict[str, Any]]:
    matches = w.y_index.search(haplotype, max_mismatches=conf.y_max_mismatches(), min_loci=conf.y_min_loci())
    out = []
    for m in matches:
        if m.profile_id == exclude or (m.profile_id in w.query_ids) != want_query:
            continue
        out.append(
            {
                "id": m.profile_id,
                "mismatches": m.mismatches,
                "steps": m.steps,
                "loci": m.loci_compared,
                "mismatching": m.mismatching_loci,
            }
        )
    return out


def _run_families(search: Search) -> dict[str, Any]:
    w = worker_index.get(0, 1)
    family_ids = [str(f) for f in search.families.values_list("pk", flat=True)]
    candidates: list[EngineCandidate] = []
    n_compared = 0
    leads: list[dict[str, Any]] = []
    has_children = bool(w.query_ids)
    for fid in family_ids if has_children else []:
        try:
            result = w.index.search_family(fid)
        except ValueError:
            continue  # a family with no typed profile yet
        # Each family keeps its own reportable candidates and best few below.
        candidates.extend(result.candidates)
        n_compared += sum(result.n_compared.values())
    if has_children:
        paternal = Sample.objects.filter(
            family_id__in=family_ids, category__in=list(PATERNAL_LINE_MALES), status=SampleStatus.ACTIVE
        ).values("pk")
        for y in YHaplotype.objects.filter(sample__in=paternal, is_active=True):
            for lead in _lineage(w, y.haplotype, want_query=True, exclude=str(y.sample_id)):
                # Stored from the child's side: the child is the query, this relative the reference.
                leads.append({**lead, "reference": str(y.sample_id)})
    payload: dict[str, Any] = {
        "table": w.table_id,
        "references": len(w.index),
        "leads": leads,
        "duplicates": [],
    }
    payload.update(
        _serialise(SearchResult(None, sorted(candidates, key=EngineCandidate.key), {"family": n_compared}))
    )
    return payload


def _finish(search_id: int, shard: int, payload: dict[str, Any]) -> None:
    notices: list[tuple[str, int]] = []
    with transaction.atomic():
        search = Search.objects.select_for_update().filter(pk=search_id).first()
        if search is None or search.status == SearchStatus.DONE:
            return
        if search.n_shards > 1:
            results = dict(search.shard_results)
            results[str(shard)] = payload
            if len(results) < search.n_shards:
                Search.objects.filter(pk=search.pk).update(shard_results=results)
                return
            payload = merge_shard_payloads(results, search.n_shards)
            search.shard_results = {}
        created = _store_candidates(search, payload)
        n_leads = _store_leads(search, payload["leads"])
        if search.sample is not None and payload["duplicates"]:
            flags = [
                DuplicateFlag(sample_id=search.sample.pk, duplicate_of_id=int(d), shared_loci=0)
                for d in payload["duplicates"]
            ]
            DuplicateFlag.objects.bulk_create(flags, ignore_conflicts=True)
        search.status = SearchStatus.DONE
        search.finished_at = timezone.now()
        search.n_compared = payload["n_compared"]
        search.n_references = payload["references"]
        search.n_candidates = len(payload["candidates"])
        search.n_leads = n_leads
        search.table_id = payload["table"]
        search.error = ""
        search.save(
            update_fields=[
                "status",
                "finished_at",
                "n_compared",
                "n_references",
                "n_candidates",
                "n_leads",
                "table",
                "error",
                "shard_results",
                "updated_at",
            ]
        )
        audit.record(
            actor=None,
            actor_label=WORKER_LABEL,
            action=AuditAction.SEARCH,
            obj=search,
            purpose=search.purpose,
            detail={
                "compared": payload["n_compared"],
                "candidates": len(payload["candidates"]),
                "leads": n_leads,
            },
        )
        for c in created:
            if c.reportable:
                notices.append((c.jurisdiction, c.pk))
        if notices:
            codes = sorted({code for code, _pk in notices})
            for code in codes:
                notify(
                    kind="dna_candidate",
                    title=_("DNA search: candidates waiting for review"),
                    body=_("A database search found candidates at or above the reporting threshold."),
                    url="/staff/dna/candidates/",
                    role=Role.DNA_EXAMINER,
                    division_code=code,
                    dedupe_key=f"dna-search-{search.pk}-{code}",
                )


def _store_candidates(search: Search, payload: dict[str, Any]) -> list[Candidate]:
    sample_ids = {int(i) for c in payload["candidates"] for i in c["ids"]}
    samples = Sample.objects.in_bulk(list(sample_ids))
    families = Family.objects.in_bulk(
        [int(c["family"]) for c in payload["candidates"] if c["family"] and str(c["family"]).isdigit()]
    )
    created = []
    for c in payload["candidates"]:
        ids = [int(i) for i in c["ids"]]
        if search.kind == SearchKind.CHILD:
            assert search.sample is not None
            query: Sample | None = search.sample
            refs = [samples[i] for i in ids if i in samples]
        else:
            query, refs = samples.get(ids[0]), [samples[i] for i in ids[1:] if i in samples]
        if query is None or not refs:
            continue
        family = families.get(int(c["family"])) if c["family"] and str(c["family"]).isdigit() else None
        key = ",".join(str(s.pk) for s in sorted(refs, key=lambda s: s.pk))
        threshold = math.log10(conf.report_threshold())
        reportable = c["log10"] is not None and c["log10"] >= threshold - 1e-9
        try:
            with transaction.atomic():
                cand, made = Candidate.objects.get_or_create(
                    query=query,
                    kind=c["kind"],
                    reference_key=key,
                    defaults={
                        "search": search,
                        "family": family,
                        "jurisdiction": query.jurisdiction,
                        "reference_jurisdiction": (family.jurisdiction if family else refs[0].jurisdiction),
                        "log10_lr": c["log10"],
                        "per_locus": c["per_locus"],
                        "n_loci": len(c["per_locus"]),
                        "n_inconsistent": c["incons"],
                        "conclusion": c["conclusion"],
                        "reportable": reportable,
                    },
                )
        except IntegrityError:
            continue
        if made:
            cand.references.add(*refs)
            created.append(cand)
    return created


def _store_leads(search: Search, leads: list[dict[str, Any]]) -> int:
    rows = []
    for lead in leads:
        if search.kind == SearchKind.CHILD:
            assert search.sample is not None
            query_id, ref_id = search.sample.pk, int(lead["id"])
        else:
            query_id, ref_id = int(lead["id"]), int(lead["reference"])
        rows.append(
            LineageLead(
                search=search,
                query_id=query_id,
                reference_id=ref_id,
                mismatches=lead["mismatches"],
                steps=lead["steps"],
                loci_compared=lead["loci"],
                mismatching_loci=lead["mismatching"],
            )
        )
    LineageLead.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# ---------------------------------------------------------------- review


def _clean_note(note: str, *, required: bool, what: str = "reason") -> str:
    note = " ".join((note or "").split())
    if required and len(note) < 5:
        raise ValidationError({what: [_("Give a reason (at least 5 characters).")]})
    if len(note) > 500:
        raise ValidationError({what: [_("At most 500 characters.")]})
    return note


def _transition(candidate: Candidate, old: Iterable[str], **changes: Any) -> None:
    updated = Candidate.objects.filter(pk=candidate.pk, status__in=list(old)).update(
        **changes, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("The candidate was changed meanwhile; reload the page."))
    for key, value in changes.items():
        setattr(candidate, key, value)


@kept_refusals
def candidate_confirm(*, actor: Any, candidate_id: Any, note: str = "") -> Candidate:
    """First examiner: the relationship is supported. A second examiner must countersign."""
    require(actor, "dna.review_candidate", what="dna.candidate")
    candidate = candidate_get(actor=actor, candidate_id=candidate_id, audit_read=False)
    note = _clean_note(note, required=False, what="note")
    if candidate.status != CandidateStatus.PENDING:
        raise ValidationError(_("Only a candidate waiting for review can be confirmed."))
    if candidate.conclusion != "support":
        raise ValidationError(
            _("The likelihood ratio does not support the relationship (%(c)s): type more loci or reject.")
            % {"c": candidate.conclusion}
        )
    _transition(
        candidate,
        [CandidateStatus.PENDING],
        status=CandidateStatus.AWAITING_COUNTERSIGNATURE,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    Review.objects.create(candidate=candidate, examiner=actor, action=ReviewAction.CONFIRM, note=note)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=candidate,
        purpose="confirm",
        detail={"status": candidate.status},
    )
    notify(
        kind="dna_countersign",
        title=_("DNA match waiting for countersignature"),
        url=f"/staff/dna/candidates/{candidate.pk}/",
        role=Role.DNA_EXAMINER,
        division_code=candidate.jurisdiction,
        dedupe_key=f"dna-countersign-{candidate.pk}",
    )
    return candidate


@kept_refusals
def candidate_countersign(*, actor: Any, candidate_id: Any, note: str = "") -> Candidate:
    """Second examiner (not the one who confirmed): the match is confirmed. Tracing, care and the case are told."""
    require(actor, "dna.countersign_candidate", what="dna.candidate")
    candidate = candidate_get(actor=actor, candidate_id=candidate_id, audit_read=False)
    note = _clean_note(note, required=False, what="note")
    if candidate.status != CandidateStatus.AWAITING_COUNTERSIGNATURE:
        raise ValidationError(
            _("Only a confirmed candidate waiting for countersignature can be countersigned.")
        )
    if candidate.confirmed_by_id == actor.pk:
        raise PermissionDenied(_("A second examiner must countersign: you confirmed this match yourself."))
    _transition(
        candidate,
        [CandidateStatus.AWAITING_COUNTERSIGNATURE],
        status=CandidateStatus.CONFIRMED,
        countersigned_by=actor,
        countersigned_at=timezone.now(),
    )
    Review.objects.create(candidate=candidate, examiner=actor, action=ReviewAction.COUNTERSIGN, note=note)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=candidate,
        purpose="countersign",
        detail={"status": candidate.status},
    )
    _announce(candidate)
    return candidate


def _announce(candidate: Candidate) -> None:
    """Tell the query's and the family's jurisdictions — who confirmed it and when, nothing else."""
    candidate = Candidate.objects.select_related("query", "family", "confirmed_by", "countersigned_by").get(
        pk=candidate.pk
    )
    match = confirmed_match(candidate)
    title = match.summary
    body = _(
        "Query sample %(query)s; family %(family)s (samples %(refs)s). Ask the DNA laboratory for the report."
    ) % {
        "query": match.query_accession,
        "family": match.family_reference or "-",
        "refs": ", ".join(match.reference_accessions),
    }
    for code in sorted({candidate.jurisdiction, candidate.reference_jurisdiction}):
        for role in (Role.INVESTIGATOR, Role.CASE_LEADER, Role.CASEWORKER, Role.CARE_WORKER):
            notify(
                kind="dna_match_confirmed",
                title=title,
                body=body,
                role=role,
                division_code=code,
                dedupe_key=f"dna-match-{candidate.pk}",
            )
    transaction.on_commit(partial(match_confirmed_hooks, match))


def match_confirmed_hooks(match: Any) -> None:
    """The signal-free hook: after a confirmation commits, each domain app that provides
    `homeward/<app>/dna_hooks.py` with `match_confirmed(match: selectors.ConfirmedMatch) -> None` is called
    (tracing links the accessions to its records, care starts the reunion steps, cases logs the evidence).
    Apps may also call this themselves to replay a match. A failing hook is logged and does not stop the others."""
    for app in settings.HOMEWARD_DOMAIN_APPS:
        name = f"homeward.{app}.dna_hooks"
        if app == "dna" or find_spec(name) is None:
            continue
        hook = getattr(import_module(name), "match_confirmed", None)
        if hook is None:
            continue
        try:
            hook(match)
        except Exception:  # one app's failure must not block the others
            log.exception("dna match hook of %s failed for candidate %s", app, match.candidate_id)


@kept_refusals
def candidate_reject(*, actor: Any, candidate_id: Any, reason: str) -> Candidate:
    require(actor, "dna.review_candidate", what="dna.candidate")
    candidate = candidate_get(actor=actor, candidate_id=candidate_id, audit_read=False)
    reason = _clean_note(reason, required=True)
    if candidate.status not in OPEN_STATUSES:
        raise ValidationError(_("This candidate has already been decided."))
    _transition(candidate, OPEN_STATUSES, status=CandidateStatus.REJECTED)
    Review.objects.create(candidate=candidate, examiner=actor, action=ReviewAction.REJECT, note=reason)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=candidate,
        purpose="reject",
        detail={"reason": reason[:200]},
    )
    return candidate


# ---------------------------------------------------------------- household registration


@kept_refusals
def search_sign_off(*, actor: Any, search_id: Any, note: str = "") -> Search:
    """The examiner signs off a finished child search once every reportable candidate is decided."""
    require(actor, "dna.sign_off_search", what="dna.search")
    search = search_get(actor=actor, search_id=search_id, audit_read=False)
    note = _clean_note(note, required=False, what="note")
    if search.kind != SearchKind.CHILD or search.sample is None:
        raise ValidationError(_("Only the search of a query profile is signed off."))
    if search.status != SearchStatus.DONE:
        raise ValidationError(_("The search has not finished."))
    if search.signed_off_at is not None:
        raise ValidationError(_("The search is already signed off."))
    if Candidate.objects.filter(query=search.sample, reportable=True, status__in=OPEN_STATUSES).exists():
        raise ValidationError(_("Decide every candidate at or above the reporting threshold first."))
    if not Search.objects.filter(pk=search.pk, signed_off_at__isnull=True).update(
        signed_off_by=actor, signed_off_at=timezone.now(), signoff_note=note
    ):
        raise ValidationError(_("The search is already signed off."))
    search.refresh_from_db()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=search, purpose="sign off")
    return search


@kept_refusals
def sample_clear_for_registration(*, actor: Any, sample_id: Any) -> Sample:
    """Mark a child of unknown origin cleared for household registration — only once its profile was searched
    against the whole database and an examiner signed the result off."""
    require(actor, "dna.clear_registration", what="dna.sample")
    sample = sample_get(actor=actor, sample_id=sample_id, audit_read=False)
    sample = Sample.objects.select_for_update().get(pk=sample.pk)  # no outer join: PostgreSQL cannot lock one
    if sample.cleared_for_registration_at is not None:
        raise ValidationError(_("The child is already cleared for registration."))
    blockers = registration_blockers(sample)
    if blockers:
        raise ValidationError(blockers)
    sample.cleared_for_registration_at = timezone.now()
    sample.cleared_by = actor
    sample.save(update_fields=["cleared_for_registration_at", "cleared_by", "updated_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=sample, purpose="clear for registration")
    return sample


def searches_requeue(*, older_than: Any) -> int:
    """Searches still queued/running/failed since before `older_than` are enqueued again (tasks are idempotent)."""
    stale = list(
        Search.objects.filter(
            status__in=[SearchStatus.QUEUED, SearchStatus.RUNNING, SearchStatus.FAILED],
            created_at__lt=older_than,
        ).values_list("pk", "n_shards")
    )
    for pk, shards in stale:
        _enqueue(pk, shards)
    return len(stale)
