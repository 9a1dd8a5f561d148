"""Staff pages of the portal app, mounted at /staff/portal/."""

from django.urls import URLPattern, URLResolver, path

from homeward.portal import views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("registrations/", views.registrations_view, name="registrations"),
    path("registrations/<int:registration_id>/", views.registration_view, name="registration"),
    path(
        "registrations/<int:registration_id>/<slug:action>/",
        views.registration_action_view,
        name="registration-action",
    ),
    path("sampling-points/", views.points_view, name="points"),
    path("sampling-points/new/", views.point_edit_view, name="point-create"),
    path("sampling-points/<int:point_id>/", views.point_edit_view, name="point-edit"),
    path("guidance/", views.guidance_list_view, name="guidance"),
    path("guidance/new/", views.guidance_edit_view, name="guidance-create"),
    path("guidance/<int:page_id>/", views.guidance_edit_view, name="guidance-edit"),
    path("guidance/<int:page_id>/<slug:action>/", views.guidance_action_view, name="guidance-action"),
]
