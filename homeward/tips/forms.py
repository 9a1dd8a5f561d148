"""Forms of the tips app: the public tip form, the sector forms of mandatory reports, and the staff actions."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.tips.models import Category, CloseReason
from homeward.tips.sectors import Sector
from homeward.tips.services import MAX_DESCRIPTION, TipData


def _lines(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", ",").replace("\n", ",").split(",") if p.strip()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class TipForm(forms.Form):
    """What the public (and mandatory reporters) tell us."""

    category = forms.ChoiceField(label=_("What did you see?"), choices=Category.choices)
    imminent_danger = forms.BooleanField(
        label=_("Someone is in danger right now (a child is being taken now)"),
        required=False,
        help_text=_("If a crime is happening now, also call 110."),
    )
    child_involved = forms.BooleanField(label=_("A child is involved"), required=False)
    description = forms.CharField(
        label=_("What happened"), max_length=MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 6})
    )
    seen_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    address = forms.CharField(
        label=_("Where (address)"),
        max_length=300,
        required=False,
        help_text=_("City and district or county, street, landmark, e.g. 成都市武侯区 人民南路四段"),
    )
    division_code = forms.RegexField(
        label=_("Division code (if you know it)"), regex=r"^\d{6}$", max_length=6, required=False
    )
    lat = forms.FloatField(label=_("Map point: latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Map point: longitude"), required=False, min_value=-180, max_value=180)
    people_involved = forms.CharField(
        label=_("People involved (appearance, names, phones)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    vehicles = forms.CharField(
        label=_("Vehicles (plate, colour, make)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    involved_phones = forms.CharField(
        label=_("Phone numbers of people involved"),
        max_length=400,
        required=False,
        help_text=_("one per line"),
    )
    involved_id_numbers = forms.CharField(
        label=_("ID numbers of people involved"), max_length=400, required=False, help_text=_("one per line")
    )
    attachments = MultipleFileField(
        label=_("Photos or files"),
        required=False,
        help_text=_("Up to 5 photos (JPEG, PNG, WebP) or PDF files"),
    )
    informant_name = forms.CharField(label=_("Your name (optional)"), max_length=60, required=False)
    informant_phone = forms.CharField(label=_("Your phone (optional)"), max_length=20, required=False)
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4().hex)

    def to_data(self) -> TipData:
        d: dict[str, Any] = self.cleaned_data
        return TipData(
            category=d["category"],
            description=d["description"],
            seen_at=d["seen_at"],
            address=d["address"],
            lat=d["lat"],
            lon=d["lon"],
            division_code=d["division_code"],
            people_involved=d["people_involved"],
            vehicles=d["vehicles"],
            involved_phones=_lines(d["involved_phones"]),
            involved_id_numbers=_lines(d["involved_id_numbers"]),
            informant_name=d.get("informant_name", ""),
            informant_phone=d.get("informant_phone", ""),
            imminent_danger=d["imminent_danger"],
            child_involved=d["child_involved"],
        )


class MandatoryReportForm(TipForm):
    """The sector's own fields come first; the reporter's identity is their account, so no name or phone."""

    def __init__(self, *args: Any, sector: Sector, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["informant_name"]
        del self.fields["informant_phone"]
        self.sector = sector
        self.fields["category"].initial = sector.default_category
        self.fields["address"].help_text = _("Leave empty if it happened at your institution.")
        sector_fields: dict[str, forms.Field] = {}
        for spec in sector.fields:
            name = f"sector_{spec.name}"
            if spec.kind == "bool":
                sector_fields[name] = forms.BooleanField(label=str(spec.label), required=False)
            else:
                sector_fields[name] = forms.CharField(
                    label=str(spec.label), max_length=spec.max_length, required=False
                )
        self.fields = {**sector_fields, **self.fields}  # type: ignore[assignment]

    def sector_details(self) -> dict[str, Any]:
        return {spec.name: self.cleaned_data.get(f"sector_{spec.name}") for spec in self.sector.fields}


class ReceiptForm(forms.Form):
    reference = forms.CharField(label=_("Receipt code"), max_length=20)
    secret = forms.CharField(label=_("Secret"), max_length=30, widget=forms.PasswordInput)


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label=_("What you want to add"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(label=_("Photos or files"), required=False)


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Question for the informant"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CloseReason.choices)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class TransferForm(forms.Form):
    to_agency = forms.TypedChoiceField(label=_("Transfer to"), coerce=int, choices=())
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, agencies: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].choices = [(a.pk, f"{a.name} ({a.division_id})") for a in agencies]  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Accept")), ("no", _("Decline"))],
    )
    note = forms.CharField(label=_("Note (required when declining)"), max_length=1000, required=False)


class OtherTipForm(forms.Form):
    other_tip = forms.IntegerField(label=_("Other tip number"), min_value=1)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AlertForm(forms.Form):
    alert_id = forms.RegexField(label=_("Alert number"), regex=r"^\d{1,18}$")


class ConvertForm(forms.Form):
    case_ref = forms.CharField(label=_("Case reference"), max_length=40)


class RewardForm(forms.Form):
    amount_yuan = forms.IntegerField(label=_("Amount (yuan)"), min_value=1, max_value=1_000_000)
    outcome = forms.CharField(label=_("What the tip led to"), max_length=300)


class PaymentForm(forms.Form):
    payment_ref = forms.CharField(label=_("Payment reference"), max_length=60)
    claim_code = forms.CharField(label=_("Claim code shown by the informant"), max_length=20, required=False)


class QueueFilterForm(forms.Form):
    scope = forms.ChoiceField(
        choices=[("agency", _("Our agency")), ("all", _("Everything I can see"))], required=False
    )
    status = forms.ChoiceField(
        choices=[("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))], required=False
    )
    category = forms.ChoiceField(choices=[("", _("All categories")), *Category.choices], required=False)
    hide_spam = forms.BooleanField(label=_("Hide likely junk"), required=False)
