"""Forms of the login page and of agency and user administration."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.accounts.roles import AgencyType, Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=200)
    otp_token = forms.RegexField(
        label=_("One-time code"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("The one-time code is the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    name_en = forms.CharField(label=_("English name"), max_length=160, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=AgencyType.choices)
    division_code = forms.RegexField(label=_("Division code"), regex=r"^\d{6}$", max_length=6)


class UserCreateForm(forms.Form):
    username = forms.RegexField(label=_("Username"), regex=r"^[\w.@+-]{3,150}$", max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, max_length=200)


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80)
