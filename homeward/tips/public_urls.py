"""Public pages (no login) of the tips app, mounted at /tips/."""

from django.urls import path

from homeward.tips import public_views

app_name = "tips_public"
urlpatterns = [
    path("", public_views.submit_view, name="submit"),
    path("follow-up/", public_views.followup_view, name="followup"),
    path("follow-up/status/", public_views.status_view, name="status"),
    path("follow-up/rewards/<int:reward_id>/claim/", public_views.claim_view, name="claim"),
    path("follow-up/leave/", public_views.leave_view, name="leave"),
]
