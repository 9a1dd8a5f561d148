from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.core.forms import DatePicker
from homeward.people.models import NameKind, Sex
from homeward.people.services import PersonData


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("\n", ",").split(",") if part.strip()]


class PersonForm(forms.Form):
    jurisdiction = forms.RegexField(label=_("Jurisdiction (division code)"), regex=r"^\d{6}$", max_length=6)
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    aliases = forms.CharField(
        label=_("Aliases"), max_length=300, required=False, help_text=_("comma-separated")
    )
    nicknames = forms.CharField(label=_("Childhood nicknames (小名)"), max_length=300, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DatePicker())
    birth_year_min = forms.IntegerField(label=_("Born no earlier than (year)"), required=False)
    birth_year_max = forms.IntegerField(label=_("Born no later than (year)"), required=False)
    nationality = forms.RegexField(
        label=_("Nationality (ISO code)"), regex=r"^[A-Z]{2}$", max_length=2, initial="CN", required=False
    )
    resident_ids = forms.CharField(
        label=_("Resident ID numbers"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("one per line"),
    )
    phones = forms.CharField(
        label=_("Phones"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("one per line"),
    )

    def to_data(self) -> PersonData:
        d: dict[str, Any] = self.cleaned_data
        names = [(d["name"], NameKind.LEGAL)] if d["name"] else []
        names += [(n, NameKind.ALIAS) for n in _split(d["aliases"])]
        names += [(n, NameKind.NICKNAME) for n in _split(d["nicknames"])]
        return PersonData(
            jurisdiction=d["jurisdiction"],
            sex=d["sex"],
            birth_date=d["birth_date"],
            birth_year_min=d["birth_year_min"],
            birth_year_max=d["birth_year_max"],
            names=names,
            resident_ids=_split(d["resident_ids"]),
            phones=_split(d["phones"]),
            nationality=d.get("nationality") or "CN",
        )

    @staticmethod
    def initial_for(person: Any) -> dict[str, Any]:
        names = list(person.names.all())
        return {
            "jurisdiction": person.jurisdiction,
            "name": next((n.name for n in names if n.kind == NameKind.LEGAL), ""),
            "aliases": ", ".join(n.name for n in names if n.kind == NameKind.ALIAS),
            "nicknames": ", ".join(n.name for n in names if n.kind == NameKind.NICKNAME),
            "sex": person.sex,
            "birth_date": person.birth_date,
            "birth_year_min": person.birth_year_min,
            "birth_year_max": person.birth_year_max,
            "resident_ids": "\n".join(i.value for i in person.identifiers.all()),
            "phones": "\n".join(p.number for p in person.phones.all()),
            "nationality": person.nationality,
        }


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=120, required=False)


class ShareForm(forms.Form):
    grantee = forms.CharField(label=_("Username of the colleague"), max_length=150)
    hours = forms.IntegerField(label=_("For how many hours"), min_value=1, max_value=24 * 90, initial=72)
    reason = forms.CharField(label=_("Reason"), max_length=300)
