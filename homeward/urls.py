"""URL map: public pages at /, staff pages under /staff/, the JSON API under /api/v1/."""

from django.urls import include, path
from django.views.i18n import set_language

from homeward.api import api

urlpatterns = [
    path("", include("homeward.core.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("homeward.accounts.urls")),
    path("staff/people/", include("homeward.people.urls")),
    path("staff/audit/", include("homeward.audit.urls")),
    path("staff/notices/", include("homeward.notifications.urls")),
    path("api/v1/", api.urls),
]
