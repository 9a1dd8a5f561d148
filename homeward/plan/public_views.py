"""The plan is public policy: anyone may read its measures and the agencies responsible for each."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from homeward.plan import selectors


@require_GET
def measures_view(request: HttpRequest) -> HttpResponse:
    return render(request, "plan/public_measures.html", {"measures": selectors.measure_list()})
