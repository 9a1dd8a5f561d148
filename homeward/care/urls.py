"""Staff pages of the care app, mounted at /staff/care/."""

from django.urls import URLPattern, URLResolver, path

from homeward.care import views

app_name = "care"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.list_view, name="list"),
    path("new/", views.intake_view, name="intake"),
    path("followups/", views.followups_view, name="followups"),
    path("followups/<int:followup_id>/", views.followup_view, name="followup"),
    path("household/", views.household_view, name="household"),
    path("household/<int:task_id>/", views.household_task_view, name="household-task"),
    path("export.csv", views.export_view, name="export"),
    path("statistics/", views.stats_view, name="stats"),
    path("<int:record_id>/", views.detail_view, name="detail"),
    path("<int:record_id>/share/", views.share_view, name="share"),
    path("<int:record_id>/consent/", views.consent_view, name="consent"),
    path(
        "<int:record_id>/consent/<int:consent_id>/withdraw/",
        views.consent_withdraw_view,
        name="consent-withdraw",
    ),
    path("<int:record_id>/placement/", views.placement_view, name="placement"),
    path("<int:record_id>/service/", views.service_view, name="service"),
    path("<int:record_id>/reunion/", views.reunion_view, name="reunion"),
    path("<int:record_id>/repatriated/", views.repatriated_view, name="repatriated"),
]
