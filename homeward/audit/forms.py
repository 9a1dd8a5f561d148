from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.audit.models import AuditAction, AuditOutcome


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), max_length=150, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=[("", "—"), *AuditAction.choices], required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *AuditOutcome.choices], required=False
    )
    object_type = forms.CharField(label=_("Record type"), max_length=60, required=False)
    object_id = forms.CharField(label=_("Record id"), max_length=64, required=False)
    since = forms.DateTimeField(label=_("From"), required=False)
    until = forms.DateTimeField(label=_("Until"), required=False)
