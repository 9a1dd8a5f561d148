"""Administrative divisions of China by GB/T 2260 code, with their 2020 census population and code history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.TextChoices):
    COUNTRY = "country", _("country")
    PROVINCE = "province", _("province")
    PREFECTURE = "prefecture", _("prefecture")
    COUNTY = "county", _("county")


class Division(models.Model):
    """A division in force today. The national root has code 000000."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    province_code = models.CharField(max_length=6, blank=True, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    population = models.BigIntegerField(_("population (2020 census)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class DivisionCodePeriod(models.Model):
    """One period during which a code had one name and one parent (1981-2024), and the codes it maps to today."""

    code = models.CharField(max_length=6, db_index=True)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=12, choices=DivisionLevel.choices)
    parent_code = models.CharField(max_length=6, blank=True)
    valid_from = models.PositiveSmallIntegerField()
    valid_to = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="exclusive; empty = in force"
    )
    current_codes = models.CharField(max_length=60, help_text="today's codes, ';'-separated")

    class Meta:
        ordering = ["code", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="division_period_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name} {self.valid_from}-{self.valid_to or ''}"
