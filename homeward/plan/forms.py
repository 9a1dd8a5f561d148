"""Forms of the plan pages. They parse input; the services validate the rules and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from homeward.core.forms import DatePicker
from homeward.plan import indicators as ind
from homeward.plan import services
from homeward.plan.models import (
    ActivityKind,
    AdoptionKind,
    EvaluationKind,
    EvidenceKind,
    ImplementationStatus,
    ListingKind,
    ListingStatus,
    ProgressStatus,
    SubjectKind,
)

DATE = DatePicker()


def _lines(text: str, what: str, max_lines: int = 50) -> list[list[str]]:
    """'a | b | c' lines → [['a', 'b', 'c'], ...] (also accepts full-width ｜)."""
    rows = [
        [part.strip() for part in line.replace("｜", "|").split("|")]
        for line in text.splitlines()
        if line.strip()
    ]
    if len(rows) > max_lines:
        raise ValidationError(_("At most %(n)d lines of %(what)s.") % {"n": max_lines, "what": what})
    return rows


class ImplementationForm(forms.Form):
    measure = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("Year"), min_value=2021, max_value=2030)
    actions = forms.CharField(label=_("Actions"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}))
    responsible_unit = forms.CharField(label=_("Responsible unit"), max_length=120)
    budget_line = forms.CharField(label=_("Budget line"), max_length=120, required=False)
    budget_amount = forms.DecimalField(
        label=_("Budget (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    targets = forms.CharField(
        label=_("Indicators with targets"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "one per line: indicator | target | unit | computed indicator key (optional), e.g. "
            "宣传场次 | 12 | 场 | plan.activities_held"
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ImplementationStatus.choices)

    def clean_targets(self) -> list[services.TargetData]:
        out = []
        for parts in _lines(self.cleaned_data["targets"], str(_("indicators")), 30):
            parts += [""] * (4 - len(parts))
            if parts[3] and ind.lookup(parts[3]) is None:
                raise ValidationError(_("Unknown computed indicator %(k)s.") % {"k": parts[3]})
            out.append(
                services.TargetData(name=parts[0], target=parts[1], unit=parts[2], indicator_key=parts[3])
            )
        return out

    def to_data(self) -> services.ImplementationData:
        d = self.cleaned_data
        return services.ImplementationData(
            measure_id=d["measure"],
            year=d["year"],
            actions=d["actions"],
            responsible_unit=d["responsible_unit"],
            budget_line=d["budget_line"],
            budget_amount=d["budget_amount"],
            status=d["status"],
            targets=d["targets"],
        )

    @staticmethod
    def initial_for(plan: Any) -> dict[str, Any]:
        return {
            "measure": plan.measure_id,
            "year": plan.year,
            "actions": plan.actions,
            "responsible_unit": plan.responsible_unit,
            "budget_line": plan.budget_line,
            "budget_amount": plan.budget_amount,
            "status": plan.status,
            "targets": "\n".join(
                f"{t.name} | {t.target} | {t.unit} | {t.indicator_key}".rstrip(" |")
                for t in plan.targets.all()
            ),
        }


class AdoptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AdoptionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    year = forms.IntegerField(label=_("Year (yearly plans)"), required=False, min_value=2021, max_value=2030)
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DATE)
    summary = forms.CharField(
        label=_("Summary"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    measures = forms.CharField(
        label=_("National measures carried out"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("one per line: measure code | local provision, e.g. 二.(一).2.(1) | 第三条"),
    )

    def clean_measures(self) -> list[tuple[Any, str]]:
        from homeward.plan.selectors import measure_list

        ids = dict(measure_list().values_list("code", "pk"))
        out: list[tuple[Any, str]] = []
        for parts in _lines(self.cleaned_data["measures"], str(_("measures")), 200):
            code = parts[0].replace("（", "(").replace("）", ")")
            if code not in ids:
                raise ValidationError(_("No measure with code %(c)s.") % {"c": parts[0]})
            out.append((ids[code], parts[1] if len(parts) > 1 else ""))
        return out

    def to_data(self) -> services.AdoptionData:
        d = self.cleaned_data
        return services.AdoptionData(
            kind=d["kind"],
            title=d["title"],
            document_number=d["document_number"],
            year=d["year"],
            adopted_on=d["adopted_on"],
            summary=d["summary"],
            measures=d["measures"],
        )


class ReportCreateForm(forms.Form):
    measure = forms.IntegerField(widget=forms.HiddenInput)
    period = forms.RegexField(
        label=_("Period"),
        regex=r"^20\d\d([Hh][12]|[Qq][1-4])?$",
        max_length=8,
        help_text=_("e.g. 2025H1, 2025H2, 2025"),
    )


class ReportForm(forms.Form):
    progress = forms.ChoiceField(label=_("Progress"), choices=ProgressStatus.choices)
    work_done = forms.CharField(
        label=_("What was done"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    problems = forms.CharField(
        label=_("Problems and next steps"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    figures = forms.CharField(
        label=_("Quantitative indicators (typed in)"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "one per line: indicator | value | unit. Indicators the platform computes are added by itself."
        ),
    )

    def clean_figures(self) -> list[services.FigureData]:
        out = []
        for parts in _lines(self.cleaned_data["figures"], str(_("figures"))):
            parts += [""] * (3 - len(parts))
            out.append(services.FigureData(name=parts[0], value=parts[1], unit=parts[2]))
        return out

    def to_data(self) -> services.ReportData:
        d = self.cleaned_data
        return services.ReportData(
            progress=d["progress"], work_done=d["work_done"], problems=d["problems"], figures=d["figures"]
        )

    @staticmethod
    def initial_for(report: Any) -> dict[str, Any]:
        return {
            "progress": report.progress,
            "work_done": report.work_done,
            "problems": report.problems,
            "figures": "\n".join(
                f"{f.name} | {'' if f.value is None else f.value} | {f.unit}".rstrip(" |")
                for f in report.figures.all()
                if not f.computed
            ),
        }


class ContributionForm(forms.Form):
    text = forms.CharField(label=_("Our part"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments for the lead agency"), max_length=4_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file (PDF, JPEG, PNG, .docx, .xlsx; at most 10 MB)"))


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    count = forms.IntegerField(label=_("Count"), min_value=0, max_value=100_000_000, initial=0)
    count_unit = forms.CharField(
        label=_("Counted as (people reached, sessions…)"), max_length=30, required=False
    )
    measure = forms.CharField(label=_("Measure code (optional)"), max_length=40, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_measure(self) -> Any:
        from homeward.plan.selectors import measure_list

        code = self.cleaned_data["measure"].strip().replace("（", "(").replace("）", ")")
        if not code:
            return None
        found = measure_list().filter(code=code).values_list("pk", flat=True).first()
        if found is None:
            raise ValidationError(_("No measure with code %(c)s.") % {"c": code})
        return found

    def to_data(self) -> services.ActivityData:
        d = self.cleaned_data
        return services.ActivityData(
            kind=d["kind"],
            title=d["title"],
            held_on=d["held_on"],
            count=d["count"],
            count_unit=d["count_unit"],
            description=d["description"],
            measure_id=d["measure"],
        )


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvaluationKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    period_start = forms.DateField(
        label=_("From"), required=False, widget=DATE, help_text=_("empty: the plan's start")
    )
    period_end = forms.DateField(label=_("Until (exclusive)"), required=False, widget=DATE)


class ScoreForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(label=_("Score"), min_value=0, max_value=100, max_digits=5, decimal_places=1)
    comment = forms.CharField(label=_("Comment"), max_length=4_000, required=False)


class ListingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ListingKind.choices)
    division_code = forms.RegexField(label=_("Region (division code)"), regex=r"^\d{6}$", max_length=6)
    title = forms.CharField(label=_("Title"), max_length=200)
    case_reference = forms.CharField(label=_("Case reference (key cases)"), max_length=60, required=False)
    reason = forms.CharField(
        label=_("Reason for listing"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    requirements = forms.CharField(
        label=_("What must be done"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    warning_days = forms.IntegerField(
        label=_("Warn this many days before"), min_value=0, max_value=365, initial=14
    )

    def to_data(self) -> services.ListingData:
        d = self.cleaned_data
        return services.ListingData(**{k: d[k] for k in d})


class ListingUpdateForm(forms.Form):
    text = forms.CharField(label=_("Progress"), max_length=4_000, widget=forms.Textarea(attrs={"rows": 3}))


class ListingCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Close as"),
        choices=[
            (ListingStatus.RESOLVED, ListingStatus.RESOLVED.label),
            (ListingStatus.WITHDRAWN, ListingStatus.WITHDRAWN.label),
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=4_000, widget=forms.Textarea(attrs={"rows": 2}))


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2021, max_value=2030)
    subject_kind = forms.ChoiceField(label=_("Assessed"), choices=SubjectKind.choices)
    division_code = forms.RegexField(
        label=_("Region (division code)"), regex=r"^\d{6}$", max_length=6, required=False
    )
    agency_id = forms.IntegerField(label=_("Agency (id)"), required=False, min_value=1)
    score = forms.DecimalField(label=_("Score"), min_value=0, max_value=100, max_digits=5, decimal_places=1)
    commendation = forms.CharField(label=_("Commendation"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def to_data(self) -> services.AssessmentData:
        d = self.cleaned_data
        return services.AssessmentData(
            **{k: ("" if v is None and k == "division_code" else v) for k, v in d.items()}
        )


class AssessmentEvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Evidence"), choices=EvidenceKind.choices)
    ref_id = forms.IntegerField(label=_("Report, activity or listing number"), required=False, min_value=1)
    indicator_key = forms.ChoiceField(
        label=_("Computed indicator"),
        required=False,
        choices=[("", "—")] + [(s.key, s.label) for s in ind.REGISTRY],
    )
    points = forms.DecimalField(
        label=_("Points"), required=False, min_value=-100, max_value=100, max_digits=5, decimal_places=1
    )
    note = forms.CharField(
        label=_("Finding"), max_length=4_000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def to_data(self) -> services.EvidenceData:
        d = self.cleaned_data
        return services.EvidenceData(
            kind=d["kind"],
            ref_id=d["ref_id"],
            indicator_key=d["indicator_key"],
            note=d["note"],
            points=d["points"],
        )


class VetoForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the one-vote veto applies (trafficking serious, prevention failed)"),
        max_length=4_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
