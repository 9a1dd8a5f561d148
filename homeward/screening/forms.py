"""Forms of the screening pages: they only shape input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.screening.models import LeadKind, RiskCategory, Verdict
from homeward.screening.services import MAX_FIELD, MAX_NOTE, MAX_TEXT


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("open", _("not yet labelled")),
            ("labelled", _("labelled")),
            ("all", _("all screened")),
            ("pending", _("waiting to be screened")),
        ],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("any category")), *RiskCategory.choices]
    )
    min_risk = forms.FloatField(label=_("Risk at least"), required=False, min_value=0, max_value=1)


class LabelForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("as the screening suggests")), *RiskCategory.choices],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE)


class ManualPostForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the post, as written"), max_length=MAX_TEXT, widget=forms.Textarea
    )
    platform = forms.CharField(label=_("Platform"), required=False, max_length=MAX_FIELD)
    author = forms.CharField(label=_("Account"), required=False, max_length=MAX_FIELD)
    url = forms.URLField(label=_("Address (URL)"), required=False, max_length=500, assume_scheme="https")
    external_id = forms.CharField(label=_("Platform's post id"), required=False, max_length=MAX_FIELD)
    posted_at = forms.DateTimeField(
        label=_("Posted at"), required=False, help_text=_("e.g. 2026-05-01 14:30")
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (JSONL or CSV, UTF-8)"),
        help_text=_(
            "One post per line: JSON objects with id, text, posted_at, platform, author, url; or a CSV file "
            "with those columns in its header line. At most 5,000 posts and 5 MB."
        ),
    )


class LeadSearchForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LeadKind.choices)
    value = forms.CharField(label=_("Value"), max_length=64)
