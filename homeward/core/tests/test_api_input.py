"""Bad input to the API gets a 4xx with a JSON {"detail": ...}, never a 500, and writes nothing."""

from __future__ import annotations

import json

import pytest

from conftest import COUNTY_A
from homeward.people.models import Person

pytestmark = pytest.mark.django_db

VALID = {
    "jurisdiction": COUNTY_A,
    "sex": "male",
    "names": [{"name": "陈明明", "kind": "legal"}],
    "phones": ["13800138000"],
    "resident_ids": [],
}


@pytest.fixture
def api(personas, login, client):
    login(personas.investigator_a)

    def post(body, **extra):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return client.post("/api/v1/people", data, content_type="application/json", **extra)

    return post


def test_valid_create(api):
    response = api(VALID)
    assert response.status_code == 201
    assert response.json()["names"] == [{"name": "陈明明", "kind": "legal"}]
    assert response.json()["phones"] == ["+8613800138000"]


@pytest.mark.parametrize(
    "body,status",
    [
        ("{not json", 400),
        ({**VALID, "favourite_colour": "blue"}, 422),
        ({**VALID, "sex": 42}, 422),
        ({**VALID, "birth_date": "yesterday"}, 422),
        ({**VALID, "names": "陈明明"}, 422),
        ({**VALID, "jurisdiction": "51A107"}, 422),
        ({**VALID, "jurisdiction": "519999"}, 400),
        ({**VALID, "jurisdiction": "510106"}, 400),  # real code, but not the user's jurisdiction
        ({**VALID, "phones": ["12345"]}, 400),
        ({**VALID, "resident_ids": ["11010519491231002Y"]}, 400),
        ({**VALID, "birth_date": "2999-01-01"}, 400),
        ({**VALID, "birth_year_min": 2010, "birth_year_max": 2000}, 400),
        ([1, 2, 3], 422),
    ],
)
def test_bad_input_is_rejected_with_detail(api, body, status):
    response = api(body)
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert not Person.objects.exists()


def test_oversize_body_is_413(api):
    response = api({**VALID, "names": [{"name": "x" * 50, "kind": "alias"}] * 20, "padding": "y" * 2_000_000})
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
    assert not Person.objects.exists()


def test_unknown_division_error_names_the_code(api):
    response = api({**VALID, "jurisdiction": "519999"})
    assert "519999" in json.dumps(response.json(), ensure_ascii=False)


def test_unauthenticated_api_is_401_json(client, db):
    response = client.get("/api/v1/people")
    assert response.status_code == 401 and "detail" in response.json()


def test_openapi_and_docs_served(client, db):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and "/api/v1/people" in spec.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_bad_path_parameter_type(api, client):
    assert client.get("/api/v1/people/abc").status_code == 422


def test_nationality_is_validated(api):
    assert api({**VALID, "nationality": "VN"}).json()["nationality"] == "VN"
    response = api({**VALID, "nationality": "XX"})
    assert response.status_code == 400 and "XX" in str(response.json())
    assert api({**VALID, "nationality": "vn"}).status_code == 422
