from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from homeward.regions.models import Division
from homeward.regions.selectors import (
    ancestor_codes,
    current_codes_for,
    division_label,
    division_require,
    scope_prefix,
)
from homeward.regions.services import regions_load

pytestmark = pytest.mark.django_db


def test_loaded_tree_with_population_and_centroids():
    wuhou = Division.objects.get(code="510107")
    assert wuhou.parent is not None and wuhou.lat is not None and wuhou.lon is not None
    assert wuhou.name == "武侯区" and wuhou.parent_id == "510100" and wuhou.parent.parent_id == "510000"
    assert wuhou.population is not None and wuhou.population > 100_000
    assert 30 < wuhou.lat < 31.5 and 103.5 < wuhou.lon < 104.5
    assert Division.objects.get(code="000000").level == "country"


def test_reload_is_idempotent():
    before = Division.objects.count()
    report = regions_load()
    assert report.created == 0 and report.updated == 0 and Division.objects.count() == before


def test_retired_code_resolves_to_today():
    assert current_codes_for("500228", 2010) == ["500155"]  # 梁平县 -> 梁平区
    with pytest.raises(ValidationError, match="500155"):
        division_require("500228")


@pytest.mark.parametrize("code", ["51010", "abcdef", 510107, "999999"])
def test_bad_codes(code):
    with pytest.raises(ValidationError):
        division_require(code)


def test_scope_prefixes_and_ancestors():
    assert scope_prefix("000000") == "" and scope_prefix("510000") == "51"
    assert scope_prefix("510100") == "5101" and scope_prefix("510107") == "510107"
    assert ancestor_codes("510107") == ["000000", "510000", "510100", "510107"]
    assert ancestor_codes("110101") == ["000000", "110000", "110100", "110101"]
    assert division_label("510107") == "四川省 成都市 武侯区"


def test_api(personas, login, client):
    login(personas.investigator_a)
    assert client.get("/api/v1/regions/510107").json()["name"] == "武侯区"
    assert client.get("/api/v1/regions/519999").status_code == 404
    kids = client.get("/api/v1/regions/510100/children").json()
    assert "510107" in {k["code"] for k in kids}
