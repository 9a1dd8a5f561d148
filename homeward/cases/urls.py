"""Staff pages of the cases app, mounted at /staff/cases/."""

from django.urls import path

from homeward.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("statistics/", views.stats_view, name="stats"),
    path("supervision/", views.board_view, name="board"),
    path("supervision/<int:supervision_id>/", views.supervision_view, name="supervision"),
    path(
        "supervision/<int:supervision_id>/reports/", views.supervision_report_view, name="supervision-report"
    ),
    path("supervision/<int:supervision_id>/lift/", views.supervision_lift_view, name="supervision-lift"),
    path("reviews/<int:review_id>/", views.review_view, name="review"),
    path("people/<int:person_id>/", views.person_cases_view, name="person-cases"),
    path("attachments/<int:attachment_id>/", views.attachment_view, name="attachment"),
    path("<int:case_id>/", views.detail_view, name="detail"),
    path("<int:case_id>/timeline/", views.timeline_view, name="timeline"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/entries/", views.entry_add_view, name="entry-add"),
    path("<int:pk>/members/", views.member_add_view, name="member-add"),
    path("<int:pk>/members/<int:user_id>/remove/", views.member_remove_view, name="member-remove"),
    path("<int:pk>/leader/", views.leader_view, name="leader"),
    path("<int:pk>/dissolve/", views.dissolve_view, name="dissolve"),
    path("<int:pk>/solve/", views.solve_view, name="solve"),
    path("<int:pk>/close/", views.close_view, name="close"),
    path("<int:pk>/duties/<str:kind>/", views.duty_view, name="duty"),
    path("<int:pk>/people/", views.person_add_view, name="person-add"),
    path("<int:pk>/people/<int:case_person_id>/status/", views.victim_status_view, name="victim-status"),
    path("<int:pk>/people/<int:case_person_id>/vehicles/", views.vehicle_view, name="vehicle"),
    path("<int:pk>/people/<int:case_person_id>/repatriation/", views.repatriation_view, name="repatriation"),
    path("<int:pk>/people/<int:case_person_id>/sentence/", views.sentence_view, name="sentence"),
    path("<int:pk>/suspect-links/", views.suspect_link_view, name="suspect-link"),
    path("<int:pk>/links/", views.link_view, name="link"),
    path("<int:pk>/cross-border/", views.cross_border_view, name="cross-border"),
    path("<int:pk>/cooperation/", views.cooperation_view, name="cooperation"),
    path(
        "<int:pk>/cooperation/<int:request_id>/status/",
        views.cooperation_status_view,
        name="cooperation-status",
    ),
    path(
        "<int:pk>/cooperation/<int:request_id>/replies/",
        views.cooperation_reply_view,
        name="cooperation-reply",
    ),
    path("<int:pk>/judicial/", views.judicial_view, name="judicial"),
]
