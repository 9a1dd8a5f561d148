"""Person pages: create, edit, photos served only through the access check."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import COUNTY_A
from homeward.people.models import Person, PersonPhoto

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_create_and_edit_through_pages(personas, login, client):
    login(personas.investigator_a)
    response = client.post(
        "/staff/people/new/",
        {
            "jurisdiction": COUNTY_A,
            "name": "李小花",
            "nicknames": "花花",
            "aliases": "",
            "sex": "female",
            "birth_date": "2012-07-02",
            "resident_ids": "",
            "phones": "13912345678",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert "李小花" in detail and "花花" in detail and "+8613912345678" in detail
    edit = client.post(
        f"/staff/people/{person.pk}/edit/",
        {
            "jurisdiction": COUNTY_A,
            "name": "李花",
            "nicknames": "",
            "aliases": "",
            "sex": "female",
            "birth_date": "",
            "resident_ids": "",
            "phones": "",
        },
    )
    assert edit.status_code == 302
    assert person.names.get().name == "李花"


def test_form_errors_shown_and_nothing_written(personas, login, client):
    login(personas.investigator_a)
    response = client.post(
        "/staff/people/new/",
        {
            "jurisdiction": COUNTY_A,
            "name": "x",
            "sex": "female",
            "phones": "12345",
            "resident_ids": "123",
        },
    )
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert "12345" in response.content.decode()


def test_photo_upload_and_access(personas, person_in, login, client):
    person = person_in(personas.investigator_a, COUNTY_A)
    login(personas.investigator_a)
    upload = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    assert client.post(f"/staff/people/{person.pk}/photos/", {"image": upload}).status_code == 302
    photo = PersonPhoto.objects.get()
    served = client.get(f"/staff/people/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "private, no-store"
    login(personas.investigator_b)
    assert client.get(f"/staff/people/photos/{photo.pk}/").status_code == 404


def test_non_image_upload_rejected(personas, person_in, login, client):
    person = person_in(personas.investigator_a, COUNTY_A)
    login(personas.investigator_a)
    fake = SimpleUploadedFile("p.png", b"<?php echo 1; ?>", content_type="image/png")
    client.post(f"/staff/people/{person.pk}/photos/", {"image": fake})
    assert not PersonPhoto.objects.exists()


def test_search_by_phone_and_name(personas, person_in, login, client):
    person_in(personas.investigator_a, COUNTY_A, name="陈明明", phone="13800138001")
    person_in(personas.investigator_a, COUNTY_A, name="王芳", phone="15108234567")
    login(personas.investigator_a)
    assert [r["name"] for r in client.get("/api/v1/people", {"q": "明明"}).json()] == ["陈明明"]
    assert [r["name"] for r in client.get("/api/v1/people", {"q": "15108234567"}).json()] == ["王芳"]
