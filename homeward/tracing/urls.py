"""Staff pages of the tracing app, mounted at /staff/tracing/."""

from django.urls import URLPattern, URLResolver, path

from homeward.tracing import views

app_name = "tracing"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home_view, name="home"),
    path("reports/new/", views.report_create_view, name="report-create"),
    path("reports/<int:report_id>/", views.report_view, name="report"),
    path("reports/<int:report_id>/edit/", views.report_edit_view, name="report-edit"),
    path("found/new/", views.found_create_view, name="found-create"),
    path("found/<int:found_id>/", views.found_view, name="found"),
    path("found/<int:found_id>/edit/", views.found_edit_view, name="found-edit"),
    path("candidates/<int:candidate_id>/", views.candidate_view, name="candidate"),
    path("candidates/<int:candidate_id>/decide/", views.candidate_decide_view, name="candidate-decide"),
    path("registrations/", views.registrations_view, name="registrations"),
    path(
        "registrations/<int:registration_id>/verify/",
        views.registration_verify_view,
        name="registration-verify",
    ),
]
