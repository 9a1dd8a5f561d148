"""Public pages (no login) of the portal app, mounted at /portal/. The portal's home page is the site's `/`."""

from django.urls import URLPattern, URLResolver, path

from homeward.portal import views

app_name = "portal_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("near/", views.alerts_near_view, name="alerts-near"),
    path("divisions/", views.divisions_view, name="divisions"),
    path("family-search/", views.register_view, name="register"),
    path("family-search/status/", views.status_view, name="status"),
    path("dna/", views.sampling_points_view, name="sampling-points"),
    path("learn/", views.learn_list_view, name="learn"),
    path("learn/<slug:slug>/", views.learn_page_view, name="learn-page"),
]
