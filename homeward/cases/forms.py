"""Page forms of the cases app. They parse and bound input; the services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.cases.models import (
    CaseRole,
    CaseType,
    Channel,
    CooperationStatus,
    EntryKind,
    JudicialStage,
    LinkKind,
    LinkRelation,
    Penalty,
    RepatriationStep,
    VictimStatus,
)
from homeward.core.forms import DatePicker, DateTimePicker
from homeward.people.forms import _split
from homeward.people.models import NameKind, Sex
from homeward.people.services import PersonData

DateInput = DatePicker
DateTimeInput = DateTimePicker


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput)


def _text(label: Any, max_length: int = 4000, rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class CaseForm(forms.Form):
    case_type = forms.ChoiceField(label=_("Type"), choices=CaseType.choices)
    summary = _text(_("Summary"), rows=5)
    jurisdiction = forms.RegexField(label=_("Jurisdiction (division code)"), regex=r"^\d{6}$", max_length=6)
    reported_on = _date(_("Reported on"))
    registered_on = _date(_("Registered on"))
    leader = forms.CharField(
        label=_("Case group leader (username)"),
        max_length=150,
        required=False,
        help_text=_("Required for child-trafficking cases: a case leader at county level or higher."),
    )
    members = forms.CharField(
        label=_("Case group members (usernames)"),
        max_length=1000,
        required=False,
        help_text=_("comma-separated"),
    )
    cross_border = forms.BooleanField(label=_("Cross-border case"), required=False)
    countries = forms.CharField(
        label=_("Countries involved"),
        max_length=100,
        required=False,
        help_text=_("ISO codes, comma-separated, e.g. VN, MM"),
    )

    def to_data(self) -> Any:
        from homeward.cases.services import CaseData

        d = self.cleaned_data
        return CaseData(
            case_type=d["case_type"],
            summary=d["summary"],
            jurisdiction=d["jurisdiction"],
            reported_on=d["reported_on"],
            registered_on=d["registered_on"],
            leader=d["leader"],
            members=_split(d["members"]),
            cross_border=d["cross_border"],
            countries=_split(d["countries"]),
        )


class EditForm(forms.Form):
    summary = _text(_("Summary"), rows=5)
    reported_on = _date(_("Reported on"))


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)


class LeaderForm(forms.Form):
    username = forms.CharField(label=_("New leader (username)"), max_length=150)
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class SolveForm(forms.Form):
    solved_on = _date(_("Solved on"))
    note = _text(_("Note"), max_length=1000, rows=2, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class NoteForm(forms.Form):
    note = _text(_("Note"), max_length=4000, rows=3)


class PersonAddForm(forms.Form):
    role = forms.ChoiceField(label=_("Role on the case"), choices=CaseRole.choices)
    person_id = forms.IntegerField(
        label=_("Existing person record (number)"),
        required=False,
        min_value=1,
        help_text=_("or leave empty and describe a new person below"),
    )
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    aliases = forms.CharField(
        label=_("Aliases"), max_length=300, required=False, help_text=_("comma-separated")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = _date(_("Date of birth"), required=False)
    resident_ids = forms.CharField(label=_("Resident ID numbers"), max_length=400, required=False)
    phones = forms.CharField(label=_("Phones"), max_length=400, required=False)
    person_jurisdiction = forms.RegexField(
        label=_("Person's jurisdiction (division code)"), regex=r"^\d{6}$", max_length=6, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    is_child = forms.BooleanField(label=_("Child victim"), required=False)
    taken_on = _date(_("Taken on (victims)"), required=False)
    taken_from = forms.RegexField(label=_("Taken from (division code)"), regex=r"^\d{6}$", required=False)
    sold_to = forms.RegexField(label=_("Sold to (division code)"), regex=r"^\d{6}$", required=False)

    def new_person(self, default_jurisdiction: str) -> PersonData | None:
        d = self.cleaned_data
        if d["person_id"]:
            return None
        names = [(d["name"], NameKind.LEGAL)] if d["name"] else []
        names += [(n, NameKind.ALIAS) for n in _split(d["aliases"])]
        return PersonData(
            jurisdiction=d["person_jurisdiction"] or default_jurisdiction,
            sex=d["sex"],
            birth_date=d["birth_date"],
            names=names,
            resident_ids=_split(d["resident_ids"]),
            phones=_split(d["phones"]),
        )


class VictimStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=VictimStatus.choices)
    on = _date(_("On"), required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class VehicleForm(forms.Form):
    plate = forms.CharField(label=_("Plate"), max_length=16)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class SuspectLinkForm(forms.Form):
    source = forms.IntegerField(label=_("Suspect"), min_value=1)
    relation = forms.ChoiceField(label=_("Relation"), choices=LinkRelation.choices)
    target = forms.IntegerField(label=_("Other suspect"), min_value=1)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, defendants: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if defendants is not None:
            for name in ("source", "target"):
                self.fields[name] = forms.TypedChoiceField(
                    label=self.fields[name].label, choices=defendants, coerce=int
                )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    occurred_at = forms.DateTimeField(label=_("When"), required=False, widget=DateTimeInput)
    text = _text(_("What"), rows=4)
    attachments = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("PDF, JPEG or PNG, up to 5 files of 10 MB")
    )


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LinkKind.choices)
    target_id = forms.CharField(label=_("Record number"), max_length=64)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    confirmed_by = forms.CharField(label=_("Confirmed by (examiner)"), max_length=150, required=False)
    confirmed_on = _date(_("Confirmed on"), required=False)


class CrossBorderForm(forms.Form):
    cross_border = forms.BooleanField(label=_("Cross-border case"), required=False)
    countries = forms.CharField(label=_("Countries involved"), max_length=100, required=False)


class CooperationForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2)
    counterpart = forms.CharField(label=_("Addressed to"), max_length=200)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = _text(_("Request"), rows=4)
    sent_on = _date(_("Sent on (leave empty for a draft)"), required=False)


class CooperationStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in CooperationStatus.choices if c[0] != CooperationStatus.ANSWERED],
    )
    on = _date(_("On"))


class ReplyForm(forms.Form):
    received_on = _date(_("Received on"))
    text = _text(_("Reply"), rows=3)


class RepatriationForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=RepatriationStep.choices)
    on = _date(_("Date"), required=False)
    nationality = forms.CharField(label=_("Nationality (ISO code)"), max_length=2, required=False)
    confirmed_by = forms.CharField(label=_("Identity confirmed by"), max_length=200, required=False)
    document_kind = forms.CharField(label=_("Travel document"), max_length=100, required=False)
    place = forms.CharField(label=_("Handover place"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Receiving organisation"), max_length=200, required=False)


class JudicialForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[c for c in JudicialStage.choices if c[0] != JudicialStage.INVESTIGATION]
    )
    on = _date(_("On"))


class SentenceForm(forms.Form):
    court = forms.CharField(label=_("Court"), max_length=200)
    judged_on = _date(_("Judged on"))
    offence = forms.ChoiceField(label=_("Offence"), choices=CaseType.choices)
    penalty = forms.ChoiceField(label=_("Penalty"), choices=Penalty.choices)
    months = forms.IntegerField(label=_("Term (months)"), required=False, min_value=0, max_value=600)
    fine_yuan = forms.IntegerField(label=_("Fine (yuan)"), required=False, min_value=0, max_value=100_000_000)


class SupervisionForm(forms.Form):
    case_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    region = forms.RegexField(
        label=_("Region (division code)"), regex=r"^\d{6}$", max_length=6, required=False
    )
    deadline = _date(_("Deadline"))
    requirements = _text(_("Requirements"), rows=3)


class ReportForm(forms.Form):
    text = _text(_("Progress"), rows=4)
