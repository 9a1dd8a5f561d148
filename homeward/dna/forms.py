"""Forms of the DNA pages: they parse and bound input; the services validate the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.core.forms import DatePicker
from homeward.dna.models import QUERY_CATEGORIES, Category
from homeward.dna.services import ImportOptions, SampleData

PURPOSES = [
    ("review of a database candidate", _("review of a database candidate")),
    ("quality check", _("quality check")),
    ("duplicate resolution", _("duplicate resolution")),
    ("court or case report", _("court or case report")),
]


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=PURPOSES)


class FreePurposeForm(forms.Form):
    purpose = forms.CharField(label=_("Purpose"), min_length=3, max_length=200)


class FamilyForm(forms.Form):
    reference = forms.CharField(
        label=_("Family number"),
        max_length=40,
        required=False,
        help_text=_("leave empty to number it automatically"),
    )
    missing_since = forms.DateField(label=_("Child missing since"), required=False, widget=DatePicker())
    note = forms.CharField(label=_("Note (no names)"), max_length=300, required=False)


def _genotype_lines(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        for sep in (":", "=", "\t"):
            if sep in line:
                locus, value = line.split(sep, 1)
                break
        else:
            raise forms.ValidationError(_("Write one locus per line, like D3S1358: 15/16."))
        out[locus.strip()] = value.strip()
    return out


class SampleForm(forms.Form):
    accession = forms.CharField(label=_("Accession number"), max_length=40)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    family = forms.IntegerField(label=_("Family"), required=False, widget=forms.Select)
    kit = forms.CharField(label=_("Kit"), max_length=60, required=False)
    collected_on = forms.DateField(label=_("Collected on"), required=False, widget=DatePicker())
    typed_on = forms.DateField(label=_("Typed on"), required=False, widget=DatePicker())
    amelogenin = forms.ChoiceField(
        label=_("Amelogenin"), required=False, choices=[("", "-"), ("XY", "X,Y"), ("XX", "X")]
    )
    genotypes = forms.CharField(
        label=_("STR genotypes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("one locus per line, e.g. D3S1358: 15/16 (may be added later by import)"),
    )
    y_haplotype = forms.CharField(
        label=_("Y-STR haplotype"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("one locus per line, e.g. DYS385: 13-19"),
    )

    def __init__(self, *args: Any, families: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family"].widget.choices = [("", "-"), *(families or [])]

    def clean_genotypes(self) -> dict[str, str]:
        return _genotype_lines(self.cleaned_data["genotypes"])

    def clean_y_haplotype(self) -> dict[str, str]:
        return _genotype_lines(self.cleaned_data["y_haplotype"])

    def to_data(self) -> SampleData:
        d = self.cleaned_data
        return SampleData(
            accession=d["accession"].strip(),
            category=d["category"],
            family_id=d["family"],
            kit=d["kit"],
            collected_on=d["collected_on"],
            typed_on=d["typed_on"],
            genotypes=d["genotypes"],
            amelogenin=d["amelogenin"],
            y_haplotype=d["y_haplotype"],
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (GeneMapper CSV/TXT export or JSON)"))
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV / TXT"), ("json", "JSON")])
    register_category = forms.ChoiceField(
        label=_("Register unknown sample names as"),
        required=False,
        choices=[("", _("do not register (refuse the rows)"))]
        + [(c.value, c.label) for c in Category if c.value in QUERY_CATEGORIES],
    )
    kit = forms.CharField(label=_("Kit"), max_length=60, required=False)

    def to_options(self) -> ImportOptions:
        d = self.cleaned_data
        return ImportOptions(
            fmt=d["format"], file_name=d["file"].name, register_category=d["register_category"], kit=d["kit"]
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class TableForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    version = forms.CharField(label=_("Version"), max_length=20)
    population = forms.CharField(label=_("Population"), max_length=120, required=False)
    sample_size = forms.IntegerField(label=_("Sample size (N)"), min_value=1, required=False)
    min_freq = forms.CharField(label=_("Minimum frequency rule"), max_length=20, initial="5/2N")
    file = forms.FileField(label=_("CSV file (locus,allele,freq)"))
    activate = forms.BooleanField(label=_("Use for searching from now on"), required=False)
