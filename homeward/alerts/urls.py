"""Staff pages of the alerts app, mounted at /staff/alerts/."""

from django.urls import URLPattern, URLResolver, path

from homeward.alerts import views

app_name = "alerts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("<int:alert_id>/", views.detail_view, name="detail"),
    path("<int:alert_id>/edit/", views.edit_view, name="edit"),
    path("<int:alert_id>/photos/", views.photo_add_view, name="photo-add"),
    path("<int:alert_id>/photos/<int:photo_id>/", views.staff_photo_view, name="photo"),
    path("<int:alert_id>/close/", views.close_view, name="close"),
    path("<int:alert_id>/renew/", views.renew_view, name="renew"),
    path("<int:alert_id>/messages/<int:seq>.xml", views.message_view, name="message"),
    path("queue/", views.queue_view, name="queue"),
    path("queue/rows/", views.queue_rows_view, name="queue-rows"),
    path("sightings/<int:sighting_id>/review/", views.review_view, name="review"),
    path("sightings/<int:sighting_id>/photo/", views.sighting_photo_view, name="sighting-photo"),
    path("deliveries/dead/", views.dead_letters_view, name="dead-letters"),
    path("deliveries/<int:delivery_id>/replay/", views.replay_view, name="replay"),
    path("partners/", views.partners_view, name="partners"),
    path("partners/<int:partner_id>/", views.partner_view, name="partner"),
    path("stats/", views.stats_view, name="stats"),
    path("demo-partner/", views.demo_partner_view, name="demo-partner"),
]
