"""Forms of the alerts app: they parse and bound the input; the services decide what is acceptable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.alerts.models import Circumstance, FollowUp, SightingStatus
from homeward.alerts.services import AlertData, SightingData
from homeward.core.forms import DatePicker
from homeward.people.models import Sex

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _check_size(upload: Any) -> None:
    if upload is not None and upload.size is not None and upload.size > settings.PHOTO_MAX_BYTES:
        raise forms.ValidationError(
            _("A photo may be at most %(mb)d MB.") % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)}
        )


class AlertForm(forms.Form):
    name = forms.CharField(label=_("Child's name"), max_length=60)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DatePicker())
    height_cm = forms.IntegerField(label=_("Height (cm)"), required=False, min_value=30, max_value=220)
    weight_kg = forms.IntegerField(label=_("Weight (kg)"), required=False, min_value=1, max_value=200)
    photos = MultipleFileField(
        label=_("Photos"), required=False, help_text=_("JPEG, PNG or WebP; up to 5 photos of 5 MB each")
    )
    clothing = forms.CharField(
        label=_("Clothing"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    marks = forms.CharField(
        label=_("Distinctive marks"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label=_("Further description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_en = forms.CharField(
        label=_("Description in English (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    circumstances = forms.ChoiceField(label=_("Circumstances"), choices=Circumstance.choices)
    last_seen_at = forms.DateTimeField(
        label=_("Last seen at"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    last_seen_lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    last_seen_lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    last_seen_place = forms.CharField(label=_("Address"), max_length=200, required=False)
    last_seen_division = forms.RegexField(
        label=_("Division code of the address"),
        regex=r"^\d{6}$",
        max_length=6,
        required=False,
        help_text=_("needed when no map point is given"),
    )
    suspect = forms.CharField(
        label=_("Suspect"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    vehicle = forms.CharField(label=_("Vehicle"), max_length=500, required=False)
    police_confirmed = forms.BooleanField(label=_("The disappearance is confirmed by police"), required=False)
    contact_phone = forms.CharField(label=_("Public contact phone"), max_length=40, initial="110")

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["photos"].label = _("Add photos")

    def to_data(self) -> AlertData:
        d: dict[str, Any] = self.cleaned_data
        return AlertData(
            name=d["name"],
            sex=d["sex"],
            birth_date=d["birth_date"],
            height_cm=d["height_cm"],
            weight_kg=d["weight_kg"],
            clothing=d["clothing"],
            marks=d["marks"],
            description=d["description"],
            description_en=d["description_en"],
            circumstances=d["circumstances"],
            suspect=d["suspect"],
            vehicle=d["vehicle"],
            last_seen_at=d["last_seen_at"],
            last_seen_lat=d["last_seen_lat"],
            last_seen_lon=d["last_seen_lon"],
            last_seen_place=d["last_seen_place"],
            last_seen_division=d["last_seen_division"],
            police_confirmed=d["police_confirmed"],
            contact_phone=d["contact_phone"],
            photos=d.get("photos") or [],
        )

    def clean_photos(self) -> list[Any]:
        photos = self.cleaned_data.get("photos") or []
        for photo in photos:
            _check_size(photo)
        return list(photos)

    @staticmethod
    def initial_for(alert: Any) -> dict[str, Any]:
        person = alert.person
        return {
            "name": person.primary_name,
            "sex": person.sex,
            "birth_date": person.birth_date,
            "height_cm": alert.height_cm,
            "weight_kg": alert.weight_kg,
            "clothing": alert.clothing,
            "marks": alert.marks,
            "description": alert.description,
            "description_en": alert.description_en,
            "circumstances": alert.circumstances,
            "last_seen_at": timezone.localtime(alert.last_seen_at).strftime("%Y-%m-%dT%H:%M"),
            "last_seen_lat": alert.last_seen_lat,
            "last_seen_lon": alert.last_seen_lon,
            "last_seen_place": alert.last_seen_place,
            "last_seen_division": alert.last_seen_division,
            "suspect": alert.suspect,
            "vehicle": alert.vehicle,
            "police_confirmed": alert.police_confirmed,
            "contact_phone": alert.contact_phone,
        }


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))

    def clean_image(self) -> Any:
        image = self.cleaned_data["image"]
        _check_size(image)
        return image


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("found", _("The child was found")), ("false_report", _("False report"))]
    )
    note = forms.CharField(label=_("Note (not published)"), max_length=500, required=False)


class SightingForm(forms.Form):
    seen_at = forms.DateTimeField(
        label=_("When did you see the child?"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    place = forms.CharField(label=_("Where? (address or landmark)"), max_length=200, required=False)
    what_seen = forms.CharField(
        label=_("What did you see?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    contact = forms.CharField(label=_("Your phone or e-mail (optional)"), max_length=100, required=False)
    # Honeypot: hidden from people by CSS; bots fill it in.
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        _check_size(photo)
        return photo

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def to_data(self) -> SightingData:
        d = self.cleaned_data
        return SightingData(
            seen_at=d["seen_at"],
            lat=d["lat"],
            lon=d["lon"],
            place=d["place"],
            what_seen=d["what_seen"],
            contact=d["contact"],
            photo=d.get("photo") or None,
        )


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Assessment"), choices=[c for c in SightingStatus.choices if c[0] != SightingStatus.NEW]
    )
    follow_up = forms.ChoiceField(label=_("Turn into"), choices=FollowUp.choices, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    case_id = forms.IntegerField(label=_("Case (id)"), min_value=1, required=False)


class PartnerForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Partner platform"), coerce=int, choices=[])
    name = forms.CharField(label=_("Endpoint name"), max_length=120, required=False)
    endpoint_url = forms.CharField(label=_("Endpoint URL"), max_length=500)
    region_codes = forms.CharField(
        label=_("Service region: division codes"),
        max_length=1000,
        required=False,
        help_text=_("comma-separated; empty = everywhere"),
    )
    region_boxes = forms.CharField(
        label=_("Service region: boxes"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("one per line: min_lat, min_lon, max_lat, max_lon"),
    )

    def __init__(self, *args: Any, agencies: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]  # type: ignore[attr-defined]


class PartnerEditForm(forms.Form):
    endpoint_url = forms.CharField(label=_("Endpoint URL"), max_length=500)
    region_codes = PartnerForm.base_fields["region_codes"]
    region_boxes = PartnerForm.base_fields["region_boxes"]
    is_active = forms.BooleanField(label=_("Active"), required=False)
