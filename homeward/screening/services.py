"""Writes of screening: ingest (partner API, file upload, manual entry), screening in the background, clustering,
reviewers' labels, tips from confirmed posts and clusters, and retraining of the risk model.

Every write by a person validates first, then writes and records exactly one audit row in one transaction; the
background screening records one row per run. Side effects (the screening task) go out on commit.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from homeward.access import selectors as access
from homeward.audit import services as audit
from homeward.audit.models import AuditAction, AuditOutcome
from homeward.engines.textscreen import Entities, extract_normalised, normalise
from homeward.regions.models import Division
from homeward.regions.selectors import division_get
from homeward.screening import tipping
from homeward.screening.leads import canonical, lead_hash, mask
from homeward.screening.models import (
    Cluster,
    IngestBatch,
    Label,
    Lead,
    LeadKind,
    LeadTip,
    Post,
    PostLead,
    PostState,
    RiskCategory,
    RiskModelVersion,
    Source,
    Verdict,
)

MAX_TEXT = 5000
MAX_FIELD = 100
MAX_POSTS_PER_BATCH = 5000
MAX_UPLOAD_BYTES = getattr(settings, "SCREENING_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
MAX_LISTED_ERRORS = 200
MAX_NOTE = 500
# Posts re-clustered on each run (the newest); older posts keep their group.
CLUSTER_WINDOW = getattr(settings, "SCREENING_CLUSTER_WINDOW", 200_000)
MIN_TRAINING_LABELS = getattr(settings, "SCREENING_MIN_TRAINING_LABELS", 10)
INPUT_FIELDS = {"id", "text", "posted_at", "platform", "author", "url", "division_code"}


@dataclass
class PostInput:
    text: str
    external_id: str = ""
    platform: str = ""
    author: str = ""
    url: str = ""
    posted_at: datetime | None = None
    division_code: str = ""


# -- permissions ----------------------------------------------------------------------------------------------


def _require(actor: Any, perm: str, object_type: str = "screening.post") -> None:
    if actor is None or not actor.has_perm(perm):
        # Outside any transaction of the caller's write, so the refusal row stays.
        audit.record(
            actor=actor,
            action=AuditAction.PERMISSION_DENIED,
            object_type=object_type,
            outcome=AuditOutcome.DENIED,
            detail={"permission": perm},
        )
        raise PermissionDenied


def _check_visible(actor: Any, queryset: Any, pk: Any) -> None:
    """404 (audited) for missing and out-of-jurisdiction alike, before the write's transaction starts."""
    access.get_for_user(user=actor, queryset=queryset, pk=pk, action=AuditAction.UPDATE, audit_read=False)


# -- input ----------------------------------------------------------------------------------------------------


def clean_post_input(raw: dict[str, Any]) -> PostInput:
    """One post from outside (a JSON object or a CSV row); ValidationError naming the field otherwise."""
    unknown = sorted(set(raw) - INPUT_FIELDS)
    if unknown:
        raise ValidationError(_("unknown field(s): %(f)s") % {"f": ", ".join(unknown)})
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(_("'text' is missing or empty"))
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(_("'text' is longer than %(n)d characters") % {"n": MAX_TEXT})
    ext = raw.get("id")
    if ext is None:
        ext = ""
    if isinstance(ext, bool) or not isinstance(ext, str | int):
        raise ValidationError(_("'id' must be a string or an integer"))
    ext = str(ext).strip()
    values: dict[str, str] = {}
    for key in ("platform", "author", "url", "division_code", "posted_at"):
        value = raw.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValidationError(_("'%(f)s' must be a string") % {"f": key})
        values[key] = value.strip()
    for key in ("platform", "author"):
        if len(values[key]) > MAX_FIELD:
            raise ValidationError(_("'%(f)s' is longer than %(n)d characters") % {"f": key, "n": MAX_FIELD})
    if len(ext) > MAX_FIELD:
        raise ValidationError(_("'id' is longer than %(n)d characters") % {"n": MAX_FIELD})
    url = values["url"]
    if url and (len(url) > 500 or not url.startswith(("http://", "https://"))):
        raise ValidationError(_("'url' must be an http(s) address of at most 500 characters"))
    code = values["division_code"]
    if code and (len(code) != 6 or not code.isdigit() or division_get(code) is None):
        raise ValidationError(_("'division_code' is not a current six-digit division code"))
    posted_at = None
    if values["posted_at"]:
        try:
            posted_at = parse_datetime(values["posted_at"])
        except ValueError:
            posted_at = None
        if posted_at is None:
            raise ValidationError(_("'posted_at' is not an ISO 8601 date and time"))
        if timezone.is_naive(posted_at):
            posted_at = timezone.make_aware(posted_at)
        if posted_at > timezone.now() + timedelta(minutes=10):
            raise ValidationError(_("'posted_at' is in the future"))
    return PostInput(
        text=text,
        external_id=ext,
        platform=values["platform"],
        author=values["author"],
        url=url,
        posted_at=posted_at,
        division_code=code,
    )


LineErrors = list[dict[str, Any]]


def parse_upload(*, name: str, content: bytes) -> tuple[list[tuple[int, PostInput]], LineErrors, int]:
    """Posts from a JSONL or CSV file: (line number, post) pairs, per-line errors, and lines read.

    A file that cannot be read at all (too big, not UTF-8, unknown type, no text column) is a ValidationError."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(n)d MB.") % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not UTF-8 text (byte %(at)d).") % {"at": exc.start}) from None
    lower = name.lower()
    if lower.endswith(".csv"):
        kind = "csv"
    elif lower.endswith((".jsonl", ".ndjson", ".json", ".txt")):
        kind = "jsonl"
    else:
        kind = "jsonl" if text.lstrip().startswith("{") else "csv"
    items: list[tuple[int, PostInput]] = []
    errors: LineErrors = []
    read = 0

    def refuse(line: int, message: str) -> None:
        errors.append({"line": line, "error": message})

    if kind == "jsonl":
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            read += 1
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                refuse(
                    lineno,
                    _("not valid JSON (%(msg)s at column %(col)d)") % {"msg": exc.msg, "col": exc.colno},
                )
                continue
            if not isinstance(obj, dict):
                refuse(lineno, _("expected a JSON object"))
                continue
            try:
                items.append((lineno, clean_post_input(obj)))
            except ValidationError as exc:
                refuse(lineno, " ".join(exc.messages))
    else:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])]
        if "text" not in header:
            raise ValidationError(_("The CSV file needs a header line with a 'text' column."))
        reader.fieldnames = header
        try:
            for row in reader:
                read += 1
                lineno = reader.line_num
                if None in row:
                    refuse(lineno, _("more values than columns"))
                    continue
                data = {k: v for k, v in row.items() if v not in (None, "")}
                data.setdefault("text", "")
                try:
                    items.append((lineno, clean_post_input(data)))
                except ValidationError as exc:
                    refuse(lineno, " ".join(exc.messages))
        except csv.Error as exc:
            refuse(reader.line_num, _("unreadable CSV (%(msg)s)") % {"msg": str(exc)})
    if read > MAX_POSTS_PER_BATCH:
        raise ValidationError(_("At most %(n)d posts per file.") % {"n": MAX_POSTS_PER_BATCH})
    return items, errors, read


def _origin(actor: Any, source: str) -> str:
    return f"{'partner' if source == Source.API else 'agency'}:{actor.agency_id}"


def posts_ingest(
    *,
    actor: Any,
    source: str,
    items: Sequence[tuple[int, PostInput]],
    errors: LineErrors | None = None,
    received: int | None = None,
    filename: str = "",
) -> IngestBatch:
    """Store posts (original text kept; screening runs in the background) and the batch's summary.

    A post whose platform id this sender already sent is counted as a duplicate, not stored twice."""
    _require(actor, "screening.ingest_post")
    if source not in Source.values:
        raise ValidationError({"source": _("Unknown source.")})
    if len(items) > MAX_POSTS_PER_BATCH:
        raise ValidationError(_("At most %(n)d posts at a time.") % {"n": MAX_POSTS_PER_BATCH})
    errors = list(errors or [])
    home = actor.agency.division_id
    prefix = actor.scope_prefix or ""
    origin = _origin(actor, source)
    with transaction.atomic():
        batch = IngestBatch.objects.create(
            jurisdiction=home,
            source=source,
            created_by=actor,
            filename=filename[:200],
            received=len(items) + len(errors) if received is None else received,
        )
        wanted = {p.external_id for _n, p in items if p.external_id}
        seen = set(
            Post.objects.filter(origin=origin, external_id__in=wanted).values_list("external_id", flat=True)
        )
        posts: list[Post] = []
        duplicates = 0
        for lineno, item in items:
            if item.external_id and item.external_id in seen:
                duplicates += 1
                continue
            if item.division_code and not item.division_code.startswith(prefix):
                errors.append({"line": lineno, "error": _("'division_code' is outside your jurisdiction")})
                continue
            if item.external_id:
                seen.add(item.external_id)
            posts.append(
                Post(
                    batch=batch,
                    jurisdiction=item.division_code or home,
                    source=source,
                    origin=origin,
                    external_id=item.external_id,
                    platform=item.platform,
                    author=item.author,
                    url=item.url,
                    posted_at=item.posted_at,
                    text=item.text,
                    route_from_content=source == Source.API and not item.division_code,
                )
            )
        created = Post.objects.bulk_create(posts)
        errors.sort(key=lambda e: e["line"])
        batch.accepted = len(created)
        batch.duplicates = duplicates
        batch.errors = errors[:MAX_LISTED_ERRORS]
        batch.save(update_fields=["accepted", "duplicates", "errors"])
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=batch,
            detail={
                "source": source,
                "accepted": batch.accepted,
                "duplicates": duplicates,
                "refused": len(errors),
            },
        )
        ids = [p.pk for p in created if p.pk is not None]
        if not ids:  # some backends do not return ids from bulk_create
            ids = list(batch.posts.values_list("pk", flat=True))
        if ids:
            from homeward.screening.tasks import screen_posts

            transaction.on_commit(partial(screen_posts.enqueue, ids))
    return batch


def post_create_manual(*, actor: Any, data: PostInput) -> Post:
    """One post typed in by a reviewer (e.g. seen while patrolling a platform)."""
    batch = posts_ingest(actor=actor, source=Source.MANUAL, items=[(1, data)])
    if batch.errors:
        raise ValidationError(batch.errors[0]["error"])
    if batch.accepted == 0:
        raise ValidationError({"external_id": _("A post with this platform id was already entered.")})
    post = batch.posts.get()
    return post


# -- screening (background) ----------------------------------------------------------------------------------

_MODEL_CACHE: dict[int, Any] = {}


def active_model() -> tuple[Any, int | None]:
    from homeward.engines.textscreen import RiskModel

    current = RiskModelVersion.objects.filter(active=True).order_by("-version").first()
    if current is None:
        return RiskModel(), None
    if current.version not in _MODEL_CACHE:
        _MODEL_CACHE.clear()
        _MODEL_CACHE[current.version] = RiskModel.from_dict(current.params)
    return _MODEL_CACHE[current.version], current.version


def _route_candidates(places: Sequence[dict[str, Any]], phones: Sequence[dict[str, Any]]) -> list[str]:
    """Division codes a post points at, best first: counties it names, then prefectures, provinces, then the
    phones' areas."""
    out: list[str] = []
    for level in ("county", "prefecture", "province"):
        counted = Counter(
            p["code"] for p in places if p.get("level") == level and p.get("code") and not p.get("ambiguous")
        )
        out.extend(str(code) for code, _n in counted.most_common())
    out.extend(str(phone.get("area_code") or "") for phone in phones)
    return [c for c in out if c]


def known_divisions(codes: Sequence[str]) -> set[str]:
    """Which of `codes` are current divisions (one query for a whole batch)."""
    wanted = set(codes)
    if not wanted:
        return set()
    return set(Division.objects.filter(code__in=wanted).values_list("code", flat=True))


def route_code(
    places: Sequence[dict[str, Any]], phones: Sequence[dict[str, Any]], *, known: set[str] | None = None
) -> str | None:
    """Where a post points: a county it names, else a prefecture or province it names, else a phone's area.

    `known` (from :func:`known_divisions`) saves the lookups when a whole batch is routed at once."""
    candidates = _route_candidates(places, phones)
    if known is None:
        known = known_divisions(candidates)
    return next((c for c in candidates if c in known), None)


def _rows_update(objs: Sequence[Any], fields: Sequence[str]) -> None:
    """Write `fields` of already-loaded rows with one prepared UPDATE run for all of them (executemany).

    `QuerySet.bulk_update` builds a CASE WHEN expression per field and row, which cost ~14 ms per post on
    this path (most of the Django screening time); values here go through each field's own
    `get_db_prep_save`, so JSON, datetimes and foreign keys are stored exactly as `save()` would."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    qn = connection.ops.quote_name
    cols = [meta.get_field(f) for f in fields]
    pk = meta.pk
    # Only identifiers from the model's own metadata (quoted) go into the text; every value is a parameter.
    sets = ", ".join(f"{qn(f.column)} = %s" for f in cols)
    sql = f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(pk.column)} = %s"  # noqa: S608
    rows = [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in cols] + [o.pk] for o in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _store_leads(found: Sequence[tuple[Post, Entities]]) -> None:
    """Leads of a batch of posts in a few queries: one Lead per value, one PostLead per occurrence."""
    occurrences: list[tuple[Post, str, str, Any]] = []
    values: dict[tuple[str, str], str] = {}
    for post, ents in found:
        for kind in LeadKind.values:
            for lead in getattr(ents, kind):
                value = (canonical(kind, lead.value) if kind == "phones" else str(lead.value))[:64]
                digest = lead_hash(kind, value)
                values[(kind, digest)] = value
                occurrences.append((post, kind, digest, lead))
    if not occurrences:
        return
    Lead.objects.bulk_create(
        [Lead(kind=k, value_hash=h, value=v, masked=mask(k, v)[:64]) for (k, h), v in values.items()],
        ignore_conflicts=True,
    )
    ids = {
        (k, h): pk
        for pk, k, h in Lead.objects.filter(value_hash__in=[h for _k, h in values]).values_list(
            "pk", "kind", "value_hash"
        )
    }
    PostLead.objects.bulk_create(
        [
            PostLead(
                post=post,
                lead_id=ids[(kind, digest)],
                start=lead.start,
                end=lead.end,
                detail=_jsonable(lead.detail),
            )
            for post, kind, digest, lead in occurrences
        ],
        ignore_conflicts=True,
    )


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(detail, default=str, ensure_ascii=False))


def posts_screen(*, post_ids: Sequence[int]) -> int:
    """Normalise, extract, score and group posts still waiting; returns how many were screened.

    Idempotent: posts already screened are left alone, so a retried task does nothing twice."""
    model, version = active_model()
    with transaction.atomic():
        posts = list(
            Post.objects.select_for_update()
            .filter(pk__in=list(post_ids), state=PostState.PENDING)
            .order_by("pk")
        )
        if not posts:
            return 0
        norms = [normalise(p.text) for p in posts]
        ents = [extract_normalised(n) for n in norms]
        risks = model.score_normalised([n.text for n in norms])
        now = timezone.now()
        founds = [e.to_dict(("phones", "places", "amounts")) for e in ents]
        known = known_divisions(
            [
                c
                for post, f in zip(posts, founds, strict=True)
                if post.route_from_content
                for c in _route_candidates(f["places"], f["phones"])
            ]
        )
        for post, norm, found, risk in zip(posts, norms, founds, risks, strict=True):
            post.normalised = norm.text
            post.risk = round(float(risk.score), 4)
            post.categories = list(risk.categories)
            post.category_scores = {k: round(float(v), 4) for k, v in risk.category_scores.items()}
            post.reasons = risk.reason_texts()[:20]
            post.facts = {"places": found["places"], "amounts": found["amounts"]}
            post.state = PostState.SCREENED
            post.screened_at = now
            post.model_version = version
            if post.route_from_content:
                post.jurisdiction = (
                    route_code(found["places"], found["phones"], known=known) or post.jurisdiction
                )
                post.route_from_content = False
        _store_leads(list(zip(posts, ents, strict=True)))
        _rows_update(
            posts,
            [
                "normalised",
                "risk",
                "categories",
                "category_scores",
                "reasons",
                "facts",
                "state",
                "screened_at",
                "model_version",
                "jurisdiction",
                "route_from_content",
            ],
        )
        changed = clusters_refresh()
        audit.record(
            actor=None,
            actor_label="screening",
            action=AuditAction.UPDATE,
            object_type="screening.post",
            object_id=f"{posts[0].pk}..{posts[-1].pk}",
            detail={"screened": len(posts), "model_version": version, "clusters_changed": changed},
        )
    return len(posts)


def common_division(codes: Sequence[str]) -> str:
    """The lowest division containing all of `codes`."""
    distinct = sorted(set(codes))
    if len(distinct) == 1:
        return distinct[0]
    prefix = os.path.commonprefix(distinct)  # noqa: RUF071 - division codes compare digit by digit
    if len(prefix) >= 4:
        return prefix[:4] + "00"
    if len(prefix) >= 2:
        return prefix[:2] + "0000"
    return "000000"


def _template(ids: list[int], texts: list[str]) -> dict[str, Any]:
    from homeward.engines.textscreen.cluster import build_template

    t = build_template(ids[:50], texts[:50])
    return {
        "post_ids": [int(i) for i in t.post_ids],  # type: ignore[call-overload]
        "constants": t.constants,
        "slots": t.slots,
        "rendered": t.render(),
        "variants": t.variants(),
    }


def clusters_refresh() -> int:
    """Regroup the newest posts (near-duplicate text or a shared lead) and update the clusters; deterministic,
    so running it twice changes nothing. Returns the number of clusters created or changed."""
    from homeward.engines.textscreen import Clusterer

    rows = list(
        Post.objects.filter(state=PostState.SCREENED)
        .order_by("-pk")
        .values_list("pk", "normalised", "jurisdiction", "risk", "cluster_id")[:CLUSTER_WINDOW]
    )
    rows.reverse()
    if not rows:
        return 0
    first = rows[0][0]
    contacts: dict[int, set[str]] = {}
    for post_id, kind, value_hash in PostLead.objects.filter(
        post_id__gte=first, post__state=PostState.SCREENED
    ).values_list("post_id", "lead__kind", "lead__value_hash"):
        contacts.setdefault(post_id, set()).add(f"{kind}:{value_hash}")
    clusterer = Clusterer(keep_text=False)
    ids = [r[0] for r in rows]
    clusterer.add_many(ids, [r[1] for r in rows], [contacts.get(i, set()) for i in ids], normalised=True)
    by_id = {r[0]: r for r in rows}
    existing = {c.anchor_id: c for c in Cluster.objects.filter(anchor_id__gte=first)}
    anchors: set[int] = set()
    changed = 0
    moves: dict[int | None, list[int]] = {}
    moved: set[int] = set()
    for group in clusterer.groups(min_size=2):
        members = sorted(int(g) for g in group)  # type: ignore[call-overload]
        anchor = members[0]
        anchors.add(anchor)
        jurisdiction = common_division([by_id[m][2] for m in members])
        max_risk = max(by_id[m][3] for m in members)
        cluster = existing.get(anchor)
        if cluster is None:
            cluster = Cluster.objects.create(anchor_id=anchor, jurisdiction=jurisdiction)
            changed += 1
        if (
            cluster.size != len(members)
            or cluster.jurisdiction != jurisdiction
            or cluster.max_risk != max_risk
        ):
            cluster.template = _template(members, [by_id[m][1] for m in members])
            cluster.size = len(members)
            cluster.jurisdiction = jurisdiction
            cluster.max_risk = max_risk
            cluster.save(update_fields=["template", "size", "jurisdiction", "max_risk", "updated_at"])
            changed += 1
        for m in members:
            if by_id[m][4] != cluster.pk:
                moves.setdefault(cluster.pk, []).append(m)
                moved.add(m)
    # Posts that no longer share a group with anyone leave their cluster.
    existing_by_pk = {c.pk: c for c in existing.values()}
    for post_id, row in by_id.items():
        if row[4] is not None and post_id not in moved:
            cluster = existing_by_pk.get(row[4])
            if cluster is not None and cluster.anchor_id in anchors:
                continue
            moves.setdefault(None, []).append(post_id)
    for cluster_id, members in moves.items():
        Post.objects.filter(pk__in=members).update(cluster_id=cluster_id)
    for anchor_id, cluster in existing.items():
        if anchor_id not in anchors:
            if not cluster.verdict and cluster.tip_id is None:
                Post.objects.filter(cluster=cluster).update(cluster=None)
                cluster.delete()
            elif cluster.size:
                cluster.size = 0
                cluster.save(update_fields=["size", "updated_at"])
            changed += 1
    return changed


# -- review ---------------------------------------------------------------------------------------------------


def _clean_label(verdict: str, category: str, note: str, fallback: Sequence[str]) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    if verdict not in Verdict.values:
        errors["verdict"] = _("Choose trafficking, not trafficking or unsure.")
    category = (category or "").strip()
    if category and category not in RiskCategory.values:
        errors["category"] = _("Unknown category.")
    if verdict == Verdict.TRAFFICKING and not category:
        category = next((c for c in fallback if c in RiskCategory.values), "")
        if not category:
            errors["category"] = _("Say what kind of trafficking this is.")
    if verdict == Verdict.NOT:
        category = ""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = _("At most %(n)d characters.") % {"n": MAX_NOTE}
    if errors:
        raise ValidationError(errors)
    return verdict, category, note


def post_label(*, actor: Any, post_id: Any, verdict: str, category: str = "", note: str = "") -> Post:
    _require(actor, "screening.review_post")
    _check_visible(actor, Post.objects.all(), post_id)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post_id)
        if post.state != PostState.SCREENED:
            raise ValidationError(_("This post has not been screened yet."))
        verdict, category, note = _clean_label(verdict, category, note, post.categories)
        now = timezone.now()
        Label.objects.create(
            post=post, cluster=post.cluster, reviewer=actor, verdict=verdict, category=category, note=note
        )
        post.verdict, post.category, post.reviewed_by, post.reviewed_at = verdict, category, actor, now
        post.save(update_fields=["verdict", "category", "reviewed_by", "reviewed_at", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=post,
            detail={"verdict": verdict, "category": category},
        )
    return post


def cluster_label(
    *, actor: Any, cluster_id: Any, verdict: str, category: str = "", note: str = ""
) -> Cluster:
    """Label a whole campaign: every post in it gets the label (one label row each, for training)."""
    _require(actor, "screening.review_post", "screening.cluster")
    _check_visible(actor, Cluster.objects.all(), cluster_id)
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=cluster_id)
        posts = list(
            access.visible_to(actor, Post.objects.filter(cluster=cluster, state=PostState.SCREENED)).order_by(
                "pk"
            )
        )
        fallback = [c for p in posts for c in p.categories]
        verdict, category, note = _clean_label(verdict, category, note, fallback)
        now = timezone.now()
        Label.objects.bulk_create(
            [
                Label(post=p, cluster=cluster, reviewer=actor, verdict=verdict, category=category, note=note)
                for p in posts
            ]
        )
        Post.objects.filter(pk__in=[p.pk for p in posts]).update(
            verdict=verdict, category=category, reviewed_by=actor, reviewed_at=now, updated_at=now
        )
        cluster.verdict, cluster.category = verdict, category
        cluster.save(update_fields=["verdict", "category", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=cluster,
            detail={"verdict": verdict, "category": category, "posts": len(posts)},
        )
    return cluster


# -- tips -----------------------------------------------------------------------------------------------------


def _tip_leads(posts: Sequence[Post]) -> list[PostLead]:
    return list(PostLead.objects.filter(post__in=posts).select_related("lead").order_by("post_id", "start"))


def _tip_description(
    posts: Sequence[Post], leads: Sequence[PostLead], template: dict[str, Any] | None
) -> str:
    first = posts[0]
    lines = [
        _("Online post(s) confirmed as trafficking by a screening reviewer (%(n)d post(s)).")
        % {"n": len(posts)},
    ]
    platforms = sorted({p.platform for p in posts if p.platform})
    authors = sorted({p.author for p in posts if p.author})
    if platforms:
        lines.append(_("Platforms: %(v)s") % {"v": ", ".join(platforms)[:300]})
    if authors:
        lines.append(_("Accounts: %(v)s") % {"v": ", ".join(authors)[:300]})
    urls = [p.url for p in posts if p.url][:5]
    if urls:
        lines.append(_("Addresses: %(v)s") % {"v": " ".join(urls)})
    labels = dict(LeadKind.choices)
    seen: set[int] = set()
    lead_lines = []
    for pl in leads:
        if pl.lead_id in seen:
            continue
        seen.add(pl.lead_id)
        lead_lines.append(f"{labels.get(pl.lead.kind, pl.lead.kind)}: {pl.lead.value}")
    if lead_lines:
        lines.append(_("Leads: %(v)s") % {"v": "; ".join(lead_lines[:40])})
    if template and template.get("rendered"):
        lines.append(_("Template: %(v)s") % {"v": str(template["rendered"])[:800]})
    lines.append(_("Text: %(v)s") % {"v": first.text[:1500]})
    return "\n".join(lines)[:4900]


def _tip_for(
    actor: Any, posts: Sequence[Post], category: str, template: dict[str, Any] | None, key: str
) -> tuple[tipping.TipRef, list[PostLead]]:
    from homeward.people.validators import clean_phone, clean_resident_id

    leads = _tip_leads(posts)
    phones: list[str] = []
    ids: list[str] = []
    for pl in leads:
        try:
            if pl.lead.kind == LeadKind.PHONE:
                phones.append(clean_phone(pl.lead.value))
            elif pl.lead.kind == LeadKind.ID_NUMBER:
                ids.append(clean_resident_id(pl.lead.value))
        except ValidationError:
            continue
    places = [pl for p in posts for pl in p.facts.get("places", [])]
    phone_details = [pl.detail for pl in leads if pl.lead.kind == LeadKind.PHONE]
    code = route_code(places, phone_details)
    if code is None:
        home = common_division([p.jurisdiction for p in posts])
        code = home if home != "000000" else ""
    data = tipping.tip_data(
        category=tipping.CATEGORY_FOR_TIPS.get(category, "online_post"),
        description=_tip_description(posts, leads, template),
        division_code=code,
        involved_phones=list(dict.fromkeys(phones))[:10],
        involved_id_numbers=list(dict.fromkeys(ids))[:10],
    )
    return tipping.submit(actor=actor, data=data, idempotency_key=key), leads


def _link_leads(leads: Sequence[PostLead], tip: tipping.TipRef) -> None:
    LeadTip.objects.bulk_create(
        [
            LeadTip(
                lead_id=lead_id, tip_id=tip.id, tip_reference=tip.reference, jurisdiction=tip.jurisdiction
            )
            for lead_id in sorted({pl.lead_id for pl in leads})
        ],
        ignore_conflicts=True,
    )


def post_tip_create(*, actor: Any, post_id: Any) -> Post:
    """A post labelled trafficking becomes a tip with its leads, routed by the tips app to the county the post
    points to. Asking again returns the post with the tip it already has."""
    _require(actor, "screening.review_post")
    _check_visible(actor, Post.objects.all(), post_id)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post_id)
        if post.tip_id is not None:
            return post
        if post.verdict != Verdict.TRAFFICKING:
            raise ValidationError(_("Label the post as trafficking before making it a tip."))
        tip, leads = _tip_for(actor, [post], post.category, None, f"screening-post-{post.pk}")
        post.tip_id, post.tip_reference = tip.id, tip.reference
        post.save(update_fields=["tip_id", "tip_reference", "updated_at"])
        _link_leads(leads, tip)
        audit.record(
            actor=actor, action=AuditAction.UPDATE, obj=post, detail={"tip": tip.id, "leads": len(leads)}
        )
    return post


def cluster_tip_create(*, actor: Any, cluster_id: Any) -> Cluster:
    """A campaign labelled trafficking becomes one tip with all its posts' leads."""
    _require(actor, "screening.review_post", "screening.cluster")
    _check_visible(actor, Cluster.objects.all(), cluster_id)
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=cluster_id)
        if cluster.tip_id is not None:
            return cluster
        if cluster.verdict != Verdict.TRAFFICKING:
            raise ValidationError(_("Label the cluster as trafficking before making it a tip."))
        posts = list(access.visible_to(actor, Post.objects.filter(cluster=cluster)).order_by("pk"))
        if not posts:
            raise ValidationError(_("This cluster has no posts left."))
        tip, leads = _tip_for(
            actor, posts, cluster.category, cluster.template, f"screening-cluster-{cluster.pk}"
        )
        cluster.tip_id, cluster.tip_reference = tip.id, tip.reference
        cluster.save(update_fields=["tip_id", "tip_reference", "updated_at"])
        Post.objects.filter(pk__in=[p.pk for p in posts], tip_id__isnull=True).update(
            tip_id=tip.id, tip_reference=tip.reference
        )
        _link_leads(leads, tip)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=cluster,
            detail={"tip": tip.id, "posts": len(posts), "leads": len({pl.lead_id for pl in leads})},
        )
    return cluster


# -- retraining -----------------------------------------------------------------------------------------------


def training_set() -> tuple[list[str], list[str]]:
    """Reviewed posts as (normalised text, label): a category for trafficking, "none" for not; unsure left out."""
    rows = Post.objects.filter(verdict__in=[Verdict.TRAFFICKING, Verdict.NOT]).values_list(
        "normalised", "verdict", "category", "categories"
    )
    texts: list[str] = []
    labels: list[str] = []
    for text, verdict, category, categories in rows:
        if verdict == Verdict.TRAFFICKING:
            label = category or next(iter(categories or []), "")
            if not label:
                continue
        else:
            label = "none"
        texts.append(text)
        labels.append(label)
    return texts, labels


def model_retrain(*, actor: Any) -> RiskModelVersion:
    """Train a new risk model version from reviewers' labels; it scores posts screened from now on.

    `actor` None is the management command (the system)."""
    from homeward.engines.textscreen import RiskModel

    if actor is not None:
        _require(actor, "screening.retrain", "screening.riskmodelversion")
    texts, labels = training_set()
    counts = Counter(labels)
    if len(texts) < MIN_TRAINING_LABELS or len(counts) < 2:
        raise ValidationError(
            _(
                "Not enough labels to train: %(n)d labelled posts in %(k)d class(es); at least %(min)d posts "
                "and both trafficking and not-trafficking labels are needed."
            )
            % {"n": len(texts), "k": len(counts), "min": MIN_TRAINING_LABELS}
        )
    model = RiskModel().fit(texts, labels, normalised=True, min_df=1 if len(texts) < 200 else 2)
    with transaction.atomic():
        last = RiskModelVersion.objects.aggregate(m=Max("version"))["m"] or 0
        RiskModelVersion.objects.filter(active=True).update(active=False)
        version = RiskModelVersion.objects.create(
            version=last + 1,
            created_by=actor,
            params=model.to_dict(),
            training_size=len(texts),
            label_counts=dict(counts),
            active=True,
        )
        from homeward.screening.tasks import rescore_posts

        transaction.on_commit(partial(rescore_posts.enqueue, version.version))
        audit.record(
            actor=actor,
            actor_label="" if actor is not None else "manage.py screening_retrain",
            action=AuditAction.CREATE,
            obj=version,
            detail={"training_size": len(texts), "labels": dict(counts)},
        )
    return version


RESCORE_CHUNK = 1000


def posts_rescore(*, version: int) -> int:
    """Score the posts nobody has labelled yet with model `version` (after a retrain), so the queue follows the
    new model. Idempotent: posts already scored by this version are skipped; a newer version supersedes."""
    model, active = active_model()
    if active != version:
        return 0
    done = 0
    while True:
        with transaction.atomic():
            posts = list(
                Post.objects.select_for_update()
                .filter(state=PostState.SCREENED, verdict="")
                .exclude(model_version=version)
                .order_by("pk")[:RESCORE_CHUNK]
            )
            if not posts:
                break
            risks = model.score_normalised([p.normalised for p in posts])
            for post, risk in zip(posts, risks, strict=True):
                post.risk = round(float(risk.score), 4)
                post.categories = list(risk.categories)
                post.category_scores = {k: round(float(v), 4) for k, v in risk.category_scores.items()}
                post.reasons = risk.reason_texts()[:20]
                post.model_version = version
            _rows_update(posts, ["risk", "categories", "category_scores", "reasons", "model_version"])
            for cluster in Cluster.objects.filter(posts__in=posts).distinct():
                top = cluster.posts.aggregate(m=Max("risk"))["m"] or 0.0
                if top != cluster.max_risk:
                    cluster.max_risk = top
                    cluster.save(update_fields=["max_risk", "updated_at"])
            audit.record(
                actor=None,
                actor_label="screening",
                action=AuditAction.UPDATE,
                object_type="screening.post",
                object_id=f"{posts[0].pk}..{posts[-1].pk}",
                detail={"rescored": len(posts), "model_version": version},
            )
            done += len(posts)
    return done
