"""Agency and user administration by system administrators, within their jurisdiction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import COUNTY_A, COUNTY_B
from homeward.accounts.models import Agency, User
from homeward.accounts.roles import AgencyType, Role
from homeward.accounts.services import agency_create, user_create, validate_roles

pytestmark = pytest.mark.django_db


def test_sysadmin_creates_agency_and_user_in_own_county(personas, login, client):
    login(personas.sysadmin_a)
    response = client.post(
        "/accounts/admin/agencies/",
        {"name": "武侯区人民医院", "type": AgencyType.HOSPITAL, "division_code": COUNTY_A, "name_en": ""},
    )
    assert response.status_code == 302
    hospital = Agency.objects.get(name="武侯区人民医院")
    response = client.post(
        "/accounts/admin/users/",
        {
            "username": "nurse_a",
            "agency": hospital.pk,
            "roles": [Role.MANDATORY_REPORTER],
            "password": "A-long-enough-pass-9",
            "display_name": "",
            "email": "",
        },
    )
    assert response.status_code == 200
    assert "otpauth://" in response.content.decode()
    assert User.objects.get(username="nurse_a").roles == [Role.MANDATORY_REPORTER]


def test_sysadmin_cannot_create_agency_in_another_county(personas, login, client):
    login(personas.sysadmin_a)
    response = client.post(
        "/accounts/admin/agencies/", {"name": "x", "type": AgencyType.HOSPITAL, "division_code": COUNTY_B}
    )
    assert response.status_code == 403
    assert not Agency.objects.filter(name="x").exists()


def test_sysadmin_cannot_open_user_of_another_county(personas, login, client):
    login(personas.sysadmin_a)
    assert client.get(f"/accounts/admin/users/{personas.investigator_b.pk}/").status_code == 404
    assert client.get(f"/accounts/admin/users/{personas.investigator_a.pk}/").status_code == 200


def test_unknown_division_code_is_a_form_error(personas, login, client):
    login(personas.sysadmin_a)
    response = client.post(
        "/accounts/admin/agencies/", {"name": "y", "type": AgencyType.HOSPITAL, "division_code": "519999"}
    )
    assert response.status_code == 200 and "519999" in response.content.decode()
    assert not Agency.objects.filter(name="y").exists()


def test_retired_code_error_names_todays_code(db):
    with pytest.raises(ValidationError, match="500155"):
        agency_create(actor=None, name="z", type=AgencyType.HOSPITAL, division_code="500228")


def test_police_roles_need_a_police_agency(personas):
    with pytest.raises(ValidationError):
        validate_roles([Role.INVESTIGATOR], personas.civil_a)
    with pytest.raises(ValidationError):
        validate_roles([Role.DNA_EXAMINER], personas.school_a)
    assert validate_roles([Role.CASE_LEADER], personas.police_a) == [Role.CASE_LEADER]


def test_non_admin_cannot_create_users(personas):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=personas.investigator_a,
            username="x",
            password="A-long-enough-pass-9",
            agency=personas.police_a,
            roles=[Role.INVESTIGATOR],
        )


def test_non_admin_gets_403_on_admin_pages(personas, login, client):
    login(personas.investigator_a)
    assert client.get("/accounts/admin/users/").status_code == 403


def test_weak_password_refused(personas):
    with pytest.raises(ValidationError):
        user_create(
            actor=personas.sysadmin_a,
            username="weak",
            password="123456",
            agency=personas.police_a,
            roles=[Role.INVESTIGATOR],
        )
    assert not User.objects.filter(username="weak").exists()


def test_home_page_shows_role_work(personas, login, client):
    login(personas.caseworker_a)
    page = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Care records" in page or "安置" in page
