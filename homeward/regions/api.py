from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from homeward.regions.models import Division

router = Router(tags=["regions"])


class DivisionOut(Schema):
    code: str
    name: str
    level: str
    parent_id: str | None
    lat: float | None
    lon: float | None
    population: int | None


@router.get("/{code}", response=DivisionOut)
def division(request: HttpRequest, code: str) -> Division:
    found = Division.objects.filter(code=code).first()
    if found is None:
        raise Http404
    return found


@router.get("/{code}/children", response=list[DivisionOut])
def children(request: HttpRequest, code: str) -> list[Division]:
    if not Division.objects.filter(code=code).exists():
        raise Http404
    return list(Division.objects.filter(parent_id=code))
