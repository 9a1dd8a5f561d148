from django.urls import path

from homeward.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("<int:notice_id>/read/", views.read_view, name="read"),
]
