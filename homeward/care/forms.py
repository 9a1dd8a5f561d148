"""Page forms of the care app. They parse and bound input; the services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.care.models import Arrival, ConsentGiver, ConsentPurpose, Need, ServiceKind, Stage
from homeward.care.services import HOUSEHOLD_DOCUMENTS
from homeward.core.forms import DatePicker
from homeward.people.models import Sex

DateInput = DatePicker


def _date(label: Any, required: bool = True, **kw: Any) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput, **kw)


def _text(label: Any, max_length: int, rows: int = 3, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


def _yes_no(label: Any, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=required,
        widget=forms.RadioSelect if required else forms.Select,
    )


class StageFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", "—"), *Stage.choices], required=False)


class IntakeForm(forms.Form):
    """Rescue intake: the person (an existing record or a new one) and how they came to care."""

    person_id = forms.IntegerField(
        label=_("Existing person record (number)"),
        required=False,
        min_value=1,
        help_text=_("Leave empty to register the person now."),
    )
    name = forms.CharField(
        label=_("Name (as known)"), max_length=60, required=False, help_text=_("Leave empty if unknown.")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = _date(_("Date of birth"), required=False)
    birth_year = forms.IntegerField(
        label=_("Estimated year of birth"), required=False, min_value=1900, max_value=2100
    )
    nationality = forms.RegexField(
        label=_("Nationality (ISO code)"), regex=r"^[A-Za-z]{2}$", max_length=2, initial="CN"
    )
    arrival = forms.ChoiceField(label=_("How they came"), choices=Arrival.choices)
    arrived_on = _date(_("Arrived on"))
    case_id = forms.IntegerField(label=_("Case (number in Homeward, if any)"), required=False, min_value=1)
    needs = forms.MultipleChoiceField(
        label=_("Needs assessment"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    cross_border = forms.BooleanField(label=_("Cross-border victim"), required=False)
    identity_unknown = forms.BooleanField(label=_("Identity unknown"), required=False)
    abuse_details = _text(_("Abuse details (confidential)"), 5000)
    health_notes = _text(_("Health notes (confidential)"), 5000)
    psych_notes = _text(_("Psychological notes (confidential)"), 5000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("birth_date") and data["birth_date"] > timezone.localdate():
            self.add_error("birth_date", _("The date is in the future."))
        if data.get("birth_date") and data.get("birth_year"):
            self.add_error("birth_year", _("Give either the date of birth or an estimated year."))
        if not data.get("person_id") and not (data.get("birth_date") or data.get("birth_year")):
            self.add_error(
                "birth_year", _("Give the date of birth or an estimated year: child rules depend on age.")
            )
        if data.get("nationality"):
            data["nationality"] = data["nationality"].upper()
        return data


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices, widget=forms.RadioSelect)
    guardian_name = forms.CharField(
        label=_("Guardian's name"),
        max_length=60,
        required=False,
        help_text=_("Required for a child under 14."),
    )
    given_on = _date(_("Given on"))


class _InstitutionChoice(forms.Form):
    def _institution_field(self) -> forms.ChoiceField:
        field = self.fields["institution"]
        assert isinstance(field, forms.ChoiceField)
        return field


class PlacementForm(_InstitutionChoice):
    institution = forms.TypedChoiceField(label=_("Institution"), coerce=int, choices=[])
    start_on = _date(_("From"))
    long_term = forms.BooleanField(label=_("Long-term placement"), required=False)

    def __init__(self, *args: Any, institutions: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._institution_field().choices = [
            (
                row["institution"].agency_id,
                _("%(name)s — %(free)s of %(capacity)s places free")
                % {
                    "name": row["institution"].agency.name,
                    "free": row["free"],
                    "capacity": row["institution"].capacity,
                },
            )
            for row in institutions
        ]


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    provider = forms.CharField(
        label=_("Provided by"),
        max_length=120,
        help_text=_("For school enrolment, the receiving school."),
    )
    provided_on = _date(_("Provided on"))
    outcome = _text(_("Outcome"), 500, rows=2)


class ReunionStartForm(forms.Form):
    family_person_id = forms.IntegerField(label=_("Family member's person record (number)"), required=False)
    family_note = _text(_("How the family was confirmed"), 500, rows=2)


class ReunionAssessForm(forms.Form):
    home_safe = _yes_no(_("Is the home safe?"))
    family_involved = _yes_no(_("Was the family involved in the trafficking (for example, the buyers)?"))


class ReunionMeetForm(forms.Form):
    met_on = _date(_("Meeting date"))


class ReunionRefuseForm(_InstitutionChoice):
    reason = _text(_("Reason for refusing reunion"), 500, rows=2, required=True)
    institution = forms.TypedChoiceField(label=_("Long-term placement at"), coerce=int, choices=[])

    def __init__(self, *args: Any, institutions: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._institution_field().choices = [
            (row["institution"].agency_id, f"{row['institution'].agency.name} ({row['free']})")
            for row in institutions
        ]


class FollowUpForm(forms.Form):
    notes = _text(_("Visit notes"), 1000, rows=4, required=True)
    school_attending = _yes_no(_("Attending school?"), required=False)
    risks = _text(_("Risks seen"), 500, rows=2)


class HouseholdTaskForm(forms.Form):
    documents = forms.MultipleChoiceField(
        label=_("Documents prepared"),
        choices=HOUSEHOLD_DOCUMENTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    done = forms.BooleanField(label=_("All documents submitted: close the task"), required=False)


class ShareForm(forms.Form):
    grantee = forms.CharField(label=_("Share with (username)"), max_length=150)
    days = forms.IntegerField(label=_("For how many days"), min_value=1, max_value=90, initial=7)
    reason = forms.CharField(label=_("Legitimate need"), max_length=500)
