"""Staff pages of the analysis app, mounted at /staff/analysis/."""

from django.urls import URLPattern, URLResolver, path

from homeward.analysis import views

app_name = "analysis"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard_view, name="dashboard"),
    path("export.csv", views.export_view, name="export"),
    path("hotspots/", views.hotspot_list_view, name="hotspots"),
    path("hotspots/<int:run_id>/", views.hotspot_detail_view, name="hotspot"),
    path("hotspots/<int:run_id>/export.csv", views.hotspot_export_view, name="hotspot-export"),
    path("warnings/", views.warning_list_view, name="warnings"),
    path("warnings/<int:warning_id>/", views.warning_detail_view, name="warning"),
    path(
        "warnings/<int:warning_id>/acknowledge/", views.warning_acknowledge_view, name="warning-acknowledge"
    ),
    path("flows/", views.flows_view, name="flows"),
    path("flows/export.csv", views.flows_export_view, name="flows-export"),
]
