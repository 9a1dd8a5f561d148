from django.urls import path

from homeward.people import views

app_name = "people"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("<int:person_id>/", views.detail_view, name="detail"),
    path("<int:person_id>/edit/", views.edit_view, name="edit"),
    path("<int:person_id>/photos/", views.photo_add_view, name="photo-add"),
    path("<int:person_id>/share/", views.share_view, name="share"),
    path("photos/<int:photo_id>/", views.photo_view, name="photo"),
]
