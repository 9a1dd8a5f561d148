"""Forms of the analysis pages: they parse and bound the input; the rules live in services and selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.analysis import sources
from homeward.core.forms import DatePicker

AREA = forms.RegexField(
    label=_("Area (division code)"), regex=r"^\d{6}$", max_length=6, required=False, help_text=_("six digits")
)


def indicator_choices() -> list[tuple[str, str]]:
    return [(s.key, f"{s.label}") for s in sources.available()]


DateInput = DatePicker


class DashboardForm(forms.Form):
    area = AREA
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)
    indicator = forms.CharField(label="", max_length=80, required=False, widget=forms.HiddenInput)


class HotspotRunForm(forms.Form):
    area = forms.RegexField(label=_("Area (division code)"), regex=r"^\d{6}$", max_length=6)
    indicator = forms.ChoiceField(label=_("Indicator"))
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)
    permutations = forms.IntegerField(
        label=_("Permutations"),
        required=False,
        min_value=99,
        max_value=49_999,
        help_text=_("empty: enough for a cluster of 5 counties to be detectable"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicator_choices()  # type: ignore[attr-defined]


class WarningScanForm(forms.Form):
    area = forms.RegexField(label=_("Area (division code)"), regex=r"^\d{6}$", max_length=6)
    indicators = forms.MultipleChoiceField(
        label=_("Indicators"),
        required=False,
        help_text=_("none chosen: every indicator"),
        widget=forms.CheckboxSelectMultiple,
    )
    week_start = forms.DateField(
        label=_("Week containing"), required=False, widget=DateInput, help_text=_("empty: last complete week")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = indicator_choices()  # type: ignore[attr-defined]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("What did you check or decide?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FlowsForm(forms.Form):
    area = AREA
    first_year = forms.IntegerField(label=_("From year"), min_value=2000, max_value=2100, required=False)
    last_year = forms.IntegerField(label=_("To year"), min_value=2000, max_value=2100, required=False)

    def years(self) -> tuple[int, int]:
        last = self.cleaned_data.get("last_year") or timezone.localdate().year
        first = self.cleaned_data.get("first_year") or last - 4
        return first, last
