"""Upload pages: profile import and frequency tables, with their bad-input paths; the management command."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from homeward.dna.models import FrequencyTable, ImportBatch, Sample

from .test_import import csv_for

pytestmark = pytest.mark.django_db


def test_import_page_shows_the_summary(lab, sim, login, client):
    login(lab.examiner)
    text = csv_for("Q-PAGE", sim.founder(), ["Q-PAGE,P,D99S1,B,1,2,"])
    response = client.post(
        reverse("dna:import"),
        {
            "file": SimpleUploadedFile("run.csv", text.encode(), "text/csv"),
            "format": "csv",
            "register_category": "rescued_child",
        },
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "dna:import-detail", args=[batch.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Q-PAGE" in page and "D99S1" in page
    assert Sample.objects.filter(accession="Q-PAGE").exists()


def test_import_page_bad_input(lab, login, client):
    login(lab.examiner)
    response = client.post(reverse("dna:import"), {"format": "csv"})
    assert response.status_code == 200 and "errors" in response.content.decode()
    response = client.post(
        reverse("dna:import"),
        {
            "file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00", "text/csv"),
            "format": "csv",
            "register_category": "",
        },
    )
    assert response.status_code == 200 and "UTF-8" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_frequency_table_upload_by_lab_manager_only(lab, login, client):
    csv_text = "locus,allele,freq\nTH01,6,0.1\nTH01,7,0.9\n"
    data = {"name": "han-2026", "version": "1", "min_freq": "5/2N", "sample_size": "500"}
    login(lab.examiner)
    response = client.post(
        reverse("dna:tables"), {**data, "file": SimpleUploadedFile("t.csv", csv_text.encode())}
    )
    assert response.status_code == 403
    login(lab.manager)
    bad = client.post(
        reverse("dna:tables"),
        {**data, "file": SimpleUploadedFile("t.csv", b"locus,allele,freq\nTH01,6,abc\n")},
    )
    assert bad.status_code == 200 and "errors" in bad.content.decode()
    assert not FrequencyTable.objects.filter(name="han-2026").exists()
    ok = client.post(reverse("dna:tables"), {**data, "file": SimpleUploadedFile("t.csv", csv_text.encode())})
    assert ok.status_code == 302
    table = FrequencyTable.objects.get(name="han-2026")
    assert table.data == {"TH01": {"6": 0.1, "7": 0.9}} and not table.is_active
    client.post(reverse("dna:table-activate", args=[table.pk]))
    assert FrequencyTable.objects.get(is_active=True) == table


def test_load_frequencies_command(db, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("locus,allele,freq\nTH01,6,0.4\nTH01,9.3,0.6\n", encoding="utf-8")
    call_command(
        "dna_load_frequencies",
        str(path),
        "--name",
        "t",
        "--table-version",
        "2",
        "--sample-size",
        "100",
        "--activate",
        verbosity=0,
    )
    assert FrequencyTable.objects.get(is_active=True).data == {"TH01": {"6": 0.4, "9.3": 0.6}}
    with pytest.raises(CommandError):
        call_command("dna_load_frequencies", str(path), "--name", "t", "--table-version", "2")
    call_command("dna_load_frequencies", "--bundled", verbosity=0)
    assert FrequencyTable.objects.count() == 3
