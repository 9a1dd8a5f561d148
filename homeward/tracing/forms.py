"""Forms of the tracing pages. They parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.people.models import NameKind, Sex
from homeward.people.services import PersonData
from homeward.tracing.models import TEXT_MAX, FoundKind
from homeward.tracing.services import Decision, FoundData, ReportData


def _lines(value: str) -> list[str]:
    return [
        line.strip()
        for line in (value or "").replace("，", "\n").replace("、", "\n").splitlines()
        if line.strip()
    ]


LINES_HELP = _("One per line.")


class PersonFields(forms.Form):
    person_id = forms.IntegerField(label=_("Existing person record (number)"), required=False, min_value=1)
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = forms.DateField(label=_("Date of birth"), required=False)

    def person_data(self, jurisdiction: str) -> PersonData | None:
        if self.cleaned_data.get("person_id"):
            return None
        return PersonData(
            jurisdiction=jurisdiction,
            sex=self.cleaned_data["sex"],
            birth_date=self.cleaned_data.get("birth_date"),
            names=[(self.cleaned_data.get("name") or "", NameKind.LEGAL)],
        )


class ReportForm(forms.Form):
    birth_year = forms.IntegerField(label=_("Year of birth (when the date is unknown)"), required=False)
    nicknames = forms.CharField(
        label=_("Childhood nicknames (小名)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LINES_HELP,
        max_length=2000,
    )
    missing_date = forms.DateField(label=_("Date missing"), required=False)
    missing_division = forms.CharField(label=_("Division code where missing"), required=False, max_length=6)
    missing_address = forms.CharField(label=_("Address where missing"), required=False, max_length=200)
    missing_lat = forms.FloatField(label=_("Latitude"), required=False)
    missing_lon = forms.FloatField(label=_("Longitude"), required=False)
    father_name = forms.CharField(label=_("Father's name"), required=False, max_length=60)
    mother_name = forms.CharField(label=_("Mother's name"), required=False, max_length=60)
    sibling_names = forms.CharField(
        label=_("Siblings' names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LINES_HELP,
        max_length=2000,
    )
    dialect = forms.CharField(label=_("Dialect"), required=False, max_length=40)
    height_cm = forms.FloatField(label=_("Height when missing (cm)"), required=False)
    marks = forms.CharField(
        label=_("Distinctive marks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=4000,
    )
    clothing = forms.CharField(label=_("Clothing"), required=False, max_length=300)
    circumstances = forms.CharField(
        label=_("Circumstances"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
    )
    family_contact_name = forms.CharField(label=_("Family contact"), required=False, max_length=60)
    family_contact_phone = forms.CharField(label=_("Family contact phone"), required=False, max_length=20)
    family_gave_dna = forms.BooleanField(label=_("The family gave DNA"), required=False)
    dna_accession = forms.CharField(label=_("Family's DNA sample accession"), required=False, max_length=40)

    def to_data(self) -> ReportData:
        d: dict[str, Any] = dict(self.cleaned_data)
        for key in ("nicknames", "sibling_names", "marks"):
            d[key] = _lines(d.get(key) or "")
        for key in ("missing_division", "missing_address", "father_name", "mother_name", "dialect", "clothing",
                    "circumstances", "family_contact_name", "family_contact_phone", "dna_accession"):  # fmt: skip
            d[key] = d.get(key) or ""
        return ReportData(**{k: v for k, v in d.items() if k in ReportData.__dataclass_fields__})

    @classmethod
    def initial_from(cls, report: Any) -> dict[str, Any]:
        initial = {name: getattr(report, name) for name in cls.base_fields}
        for key in ("nicknames", "sibling_names", "marks"):
            initial[key] = "\n".join(initial[key] or [])
        return initial


class ReportCreateForm(PersonFields, ReportForm):
    pass


class FoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FoundKind.choices)
    age_min = forms.IntegerField(label=_("Estimated age: from"), required=False)
    age_max = forms.IntegerField(label=_("Estimated age: to"), required=False)
    found_date = forms.DateField(label=_("Date found"), required=False)
    found_division = forms.CharField(label=_("Division code where found"), required=False, max_length=6)
    found_address = forms.CharField(label=_("Address where found"), required=False, max_length=200)
    found_lat = forms.FloatField(label=_("Latitude"), required=False)
    found_lon = forms.FloatField(label=_("Longitude"), required=False)
    remembered_names = forms.CharField(
        label=_("Remembered names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LINES_HELP,
        max_length=2000,
    )
    remembered_parents = forms.CharField(
        label=_("Parents' names as remembered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LINES_HELP,
        max_length=2000,
    )
    remembered_places = forms.CharField(
        label=_("Remembered places"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: a place name or a 6-digit division code."),
        max_length=2000,
    )
    dialect = forms.CharField(label=_("Dialect"), required=False, max_length=40)
    height_cm = forms.FloatField(label=_("Height now (cm)"), required=False)
    marks = forms.CharField(
        label=_("Distinctive marks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=4000,
    )
    memories = forms.CharField(
        label=_("Memories"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX
    )
    dna_accession = forms.CharField(label=_("DNA sample accession"), required=False, max_length=40)

    def to_data(self) -> FoundData:
        d: dict[str, Any] = dict(self.cleaned_data)
        for key in ("remembered_names", "remembered_parents", "remembered_places", "marks"):
            d[key] = _lines(d.get(key) or "")
        for key in ("found_division", "found_address", "dialect", "memories", "dna_accession"):
            d[key] = d.get(key) or ""
        return FoundData(**{k: v for k, v in d.items() if k in FoundData.__dataclass_fields__})

    @classmethod
    def initial_from(cls, found: Any) -> dict[str, Any]:
        initial = {name: getattr(found, name) for name in cls.base_fields}
        for key in ("remembered_names", "remembered_parents", "remembered_places", "marks"):
            initial[key] = "\n".join(initial[key] or [])
        return initial


class FoundCreateForm(PersonFields, FoundForm):
    pass


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Decision.NEEDS_DNA, _("needs DNA comparison")), (Decision.EXCLUDE, _("exclude"))],
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class VerifyForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("verified: create the record and start matching")), ("0", _("not accepted"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason (when not accepted)"), required=False, max_length=500)
