from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from homeward.accounts.roles import Role
from homeward.audit.forms import AuditSearchForm
from homeward.audit.selectors import AuditQuery, audit_search
from homeward.core.auth import role_required


@role_required(Role.AUDITOR)
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    events = None
    if form.is_valid():
        events = audit_search(actor=request.user, query=AuditQuery(**form.cleaned_data))
    elif not request.GET:
        events = audit_search(actor=request.user, query=AuditQuery())
    return render(request, "audit/search.html", {"form": form, "events": events})
