"""Public pages (no login) of the alerts app, mounted at /alerts/."""

from django.urls import URLPattern, URLResolver, path

from homeward.alerts import views

app_name = "alerts_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.public_list_view, name="list"),
    path("cap.atom", views.atom_view, name="atom"),
    path("cap/", views.cap_info_view, name="cap-info"),
    path("certificate.pem", views.certificate_view, name="certificate"),
    path("demo-partner/receive/", views.demo_partner_receive_view, name="demo-receive"),
    path("<uuid:public_id>/", views.public_page_view, name="page"),
    path("<uuid:public_id>/cap.xml", views.public_cap_view, name="cap"),
    path("<uuid:public_id>/qr.svg", views.public_qr_view, name="qr"),
    path("<uuid:public_id>/photos/<int:photo_id>/", views.public_photo_view, name="photo"),
    path("<uuid:public_id>/sighting/", views.public_sighting_view, name="sighting"),
    path("<uuid:public_id>/thanks/", views.public_thanks_view, name="thanks"),
]
