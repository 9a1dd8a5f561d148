"""Staff pages of the tips app, mounted at /staff/tips/."""

from django.urls import path

from homeward.tips import views

app_name = "tips"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("export.csv", views.export_view, name="export"),
    path("<int:tip_id>/", views.detail_view, name="detail"),
    path("<int:tip_id>/acknowledge/", views.acknowledge_view, name="acknowledge"),
    path("<int:tip_id>/request-info/", views.request_info_view, name="request-info"),
    path("<int:tip_id>/close/", views.close_view, name="close"),
    path("<int:tip_id>/transfer/", views.transfer_view, name="transfer-request"),
    path("<int:tip_id>/merge/", views.merge_view, name="merge"),
    path("<int:tip_id>/link/", views.link_view, name="link"),
    path("<int:tip_id>/alert/", views.alert_view, name="alert"),
    path("<int:tip_id>/convert/", views.convert_view, name="convert"),
    path("<int:tip_id>/reward/", views.reward_propose_view, name="reward-propose"),
    path("attachments/<int:attachment_id>/", views.attachment_view, name="attachment"),
    path("transfers/", views.transfers_view, name="transfers"),
    path("transfers/<int:transfer_id>/", views.transfer_detail_view, name="transfer"),
    path("transfers/<int:transfer_id>/decide/", views.transfer_decide_view, name="transfer-decide"),
    path("rewards/", views.rewards_view, name="rewards"),
    path("rewards/<int:reward_id>/decide/", views.reward_decide_view, name="reward-decide"),
    path("rewards/<int:reward_id>/paid/", views.reward_paid_view, name="reward-paid"),
    path("reports/", views.reports_view, name="reports"),
    path("reports/new/", views.report_create_view, name="report-create"),
    path("reports/<int:tip_id>/", views.report_detail_view, name="report-detail"),
]
