"""Forms of the portal. They parse input into the services' data classes; the services validate the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.people.models import Sex
from homeward.portal.models import GuidanceLanguage, RegistrationKind
from homeward.portal.services import GuidanceData, RegistrationInput, SamplingPointData

LINES_HELP = _("One per line.")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()][:20]


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS and from screen readers); bots fill it in."""

    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        max_length=200,
        # out of the tab order: a hidden field must not take keyboard focus (axe: aria-hidden-focus)
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class DivisionField(forms.CharField):
    """A county code, chosen with the province → city → county selects (the last select's value is posted)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("min_length", 6)
        super().__init__(**kwargs)


class RegistrationForm(HoneypotMixin):
    kind = forms.ChoiceField(
        label=_("Who is searching?"), choices=RegistrationKind.choices, widget=forms.RadioSelect
    )
    county = DivisionField(
        label=_("County or district"),
        help_text=_("The police of this county will check your registration and invite you to give DNA."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        help_text=_("Family: the missing child's name. Adult: the name you use now."),
    )
    sex = forms.ChoiceField(
        label=_("Sex of the person searched for"), choices=Sex.choices, initial=Sex.UNKNOWN
    )
    birth_year = forms.IntegerField(label=_("Year of birth (approximate)"), required=False, min_value=1900)
    lost_year = forms.IntegerField(label=_("Year lost (approximate)"), required=False, min_value=1900)
    lost_place = forms.CharField(
        label=_("Where the child was lost, as well as you know"), required=False, max_length=200
    )
    nicknames = forms.CharField(
        label=_("Childhood names and nicknames (小名)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LINES_HELP,
    )  # fmt: skip
    remembered_places = forms.CharField(
        label=_("Place names remembered (villages, rivers, stations, temples)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), help_text=LINES_HELP,
    )  # fmt: skip
    remembered_names = forms.CharField(
        label=_("Names of relatives remembered"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LINES_HELP,
    )  # fmt: skip
    dialect = forms.CharField(label=_("Dialect spoken at home"), required=False, max_length=40)
    marks = forms.CharField(
        label=_("Scars, birthmarks, other marks"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LINES_HELP,
    )  # fmt: skip
    story = forms.CharField(
        label=_("Anything else you remember"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip
    contact_phone = forms.CharField(
        label=_("Your phone number"), max_length=20, help_text=_("Only the police see it.")
    )
    consent_contact = forms.BooleanField(label=_("The police may contact me about this registration."))
    consent_dna = forms.BooleanField(
        label=_("I am willing to give a blood sample for DNA comparison (free of charge)."), required=False
    )

    def to_data(self) -> RegistrationInput:
        d = self.cleaned_data
        return RegistrationInput(
            kind=d["kind"],
            county=d["county"],
            name=d["name"],
            contact_phone=d["contact_phone"],
            consent_contact=d["consent_contact"],
            consent_dna=d["consent_dna"],
            sex=d["sex"],
            birth_year=d["birth_year"],
            lost_year=d["lost_year"],
            lost_place=d["lost_place"],
            nicknames=_lines(d["nicknames"]),
            remembered_places=_lines(d["remembered_places"]),
            remembered_names=_lines(d["remembered_names"]),
            dialect=d["dialect"],
            marks=_lines(d["marks"]),
            story=d["story"],
        )


class StatusForm(forms.Form):
    receipt_code = forms.CharField(label=_("Receipt code"), max_length=16)
    secret = forms.CharField(label=_("Secret"), max_length=64, widget=forms.PasswordInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class AccessionForm(forms.Form):
    accession = forms.CharField(label=_("Sample accession number"), max_length=40)


class SamplingPointForm(forms.Form):
    county = DivisionField(label=_("County code"), help_text=_("Six digits, e.g. 510107."))
    name = forms.CharField(label=_("Name"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=200)
    hours = forms.CharField(label=_("Opening hours"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    what_to_bring = forms.CharField(
        label=_("What to bring"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def to_data(self) -> SamplingPointData:
        return SamplingPointData(**self.cleaned_data)


class GuidanceForm(forms.Form):
    slug = forms.SlugField(label=_("Slug (address)"), max_length=80)
    language = forms.ChoiceField(label=_("Language"), choices=GuidanceLanguage.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(label=pgettext_lazy("guidance page", "Summary"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Text"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Blank line between paragraphs; '## ' starts a heading, '- ' a list item, **bold**."),
    )

    def to_data(self) -> GuidanceData:
        return GuidanceData(**self.cleaned_data)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the author"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
