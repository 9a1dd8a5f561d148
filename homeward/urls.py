"""URL map: public pages at /, staff pages under /staff/, the JSON API under /api/v1/."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path
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

# Each domain app mounts its staff pages under /staff/<app>/ and its public pages under /<app>/.
domain_urls: list[URLPattern | URLResolver] = []
for _app in settings.HOMEWARD_DOMAIN_APPS:
    domain_urls.append(path(f"staff/{_app}/", include(f"homeward.{_app}.urls")))
    domain_urls.append(path(f"{_app}/", include(f"homeward.{_app}.public_urls")))
urlpatterns += domain_urls
