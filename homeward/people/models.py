"""A person: the one record of names, birth, identity numbers, phones and photos that other apps point to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import JurisdictionalModel


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")
    UNKNOWN = "unknown", _("unknown")


class NameKind(models.TextChoices):
    LEGAL = "legal", _("legal name")
    ALIAS = "alias", _("alias")
    NICKNAME = "nickname", _("childhood nickname (小名)")
    FORMER = "former", _("former name")
    REMEMBERED = "remembered", _("remembered name")


class IdentifierKind(models.TextChoices):
    RESIDENT_ID = "resident_id", _("resident ID number")
    PASSPORT = "passport", _("passport")
    OTHER = "other", _("other document")


class Person(JurisdictionalModel):
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year_min = models.PositiveSmallIntegerField(_("born no earlier than"), null=True, blank=True)
    birth_year_max = models.PositiveSmallIntegerField(_("born no later than"), null=True, blank=True)
    nationality = models.CharField(
        _("nationality"), max_length=2, default="CN", help_text="ISO 3166-1 alpha-2"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def primary_name(self) -> str:
        names = list(self.names.all())
        for kind in (NameKind.LEGAL, NameKind.REMEMBERED, NameKind.ALIAS, NameKind.NICKNAME, NameKind.FORMER):
            for name in names:
                if name.kind == kind:
                    return name.name
        return ""


class PersonName(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=NameKind.choices, default=NameKind.LEGAL)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class PersonIdentifier(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=12, choices=IdentifierKind.choices)
    value = models.CharField(_("number"), max_length=40, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class PersonPhone(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone"), max_length=20, db_index=True, help_text="E.164")
    label = models.CharField(_("label"), max_length=40, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.number


class PersonPhoto(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="people/photos/%Y/%m/")
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    age_at_photo = models.PositiveSmallIntegerField(_("age in photo"), null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of person {self.person_id}"
