"""Staff pages of the screening app, mounted at /staff/screening/."""

from django.urls import path

from homeward.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("posts/<int:post_id>/", views.post_view, name="post"),
    path("posts/<int:post_id>/label/", views.post_label_view, name="post-label"),
    path("posts/<int:post_id>/tip/", views.post_tip_view, name="post-tip"),
    path("clusters/", views.clusters_view, name="clusters"),
    path("clusters/<int:cluster_id>/", views.cluster_view, name="cluster"),
    path("clusters/<int:cluster_id>/label/", views.cluster_label_view, name="cluster-label"),
    path("clusters/<int:cluster_id>/tip/", views.cluster_tip_view, name="cluster-tip"),
    path("upload/", views.upload_view, name="upload"),
    path("new/", views.manual_view, name="manual"),
    path("batches/<int:batch_id>/", views.batch_view, name="batch"),
    path("leads/", views.lead_search_view, name="leads"),
    path("models/", views.models_view, name="models"),
]
