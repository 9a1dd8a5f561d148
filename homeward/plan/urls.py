"""Staff pages of the plan app, mounted at /staff/plan/."""

from django.urls import path

from homeward.plan import views

app_name = "plan"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("measures/", views.measures_view, name="measures"),
    path("measures/<int:measure_id>/", views.measure_view, name="measure"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("implementation/", views.implementation_list_view, name="implementation-list"),
    path("implementation/new/", views.implementation_edit_view, name="implementation-create"),
    path("implementation/<int:plan_id>/", views.implementation_view, name="implementation"),
    path("implementation/<int:plan_id>/edit/", views.implementation_edit_view, name="implementation-edit"),
    path("adoptions/", views.adoption_list_view, name="adoption-list"),
    path("adoptions/new/", views.adoption_create_view, name="adoption-create"),
    path("adoptions/<int:adoption_id>/", views.adoption_view, name="adoption"),
    path("reports/", views.report_list_view, name="report-list"),
    path("reports/new/", views.report_create_view, name="report-create"),
    path("reports/<int:report_id>/", views.report_view, name="report"),
    path("reports/<int:report_id>/edit/", views.report_edit_view, name="report-edit"),
    path("reports/<int:report_id>/contribution/", views.report_contribute_view, name="report-contribute"),
    path("reports/<int:report_id>/submit/", views.report_submit_view, name="report-submit"),
    path("reports/<int:report_id>/return/", views.report_return_view, name="report-return"),
    path("reports/<int:report_id>/accept/", views.report_accept_view, name="report-accept"),
    path("reports/<int:report_id>/evidence/", views.report_evidence_view, name="report-evidence"),
    path("evidence/<int:evidence_id>/", views.evidence_view, name="evidence"),
    path("activities/", views.activity_list_view, name="activity-list"),
    path("activities/<int:activity_id>/", views.activity_view, name="activity"),
    path("evaluations/", views.evaluation_list_view, name="evaluation-list"),
    path("evaluations/<int:round_id>/", views.evaluation_view, name="evaluation"),
    path("evaluations/<int:round_id>/assemble/", views.evaluation_assemble_view, name="evaluation-assemble"),
    path("evaluations/<int:round_id>/score/", views.evaluation_score_view, name="evaluation-score"),
    path("evaluations/<int:round_id>/close/", views.evaluation_close_view, name="evaluation-close"),
    path(
        "evaluations/<int:round_id>/report.docx",
        views.evaluation_download_view,
        {"fmt": "docx"},
        name="evaluation-docx",
    ),
    path(
        "evaluations/<int:round_id>/report.xlsx",
        views.evaluation_download_view,
        {"fmt": "xlsx"},
        name="evaluation-xlsx",
    ),
    path("supervision/", views.supervision_list_view, name="supervision-list"),
    path("supervision/<int:listing_id>/", views.listing_view, name="listing"),
    path("supervision/<int:listing_id>/progress/", views.listing_update_view, name="listing-update"),
    path("supervision/<int:listing_id>/close/", views.listing_close_view, name="listing-close"),
    path("assessments/", views.assessment_list_view, name="assessment-list"),
    path("assessments/<int:assessment_id>/", views.assessment_view, name="assessment"),
    path(
        "assessments/<int:assessment_id>/evidence/",
        views.assessment_evidence_view,
        name="assessment-evidence",
    ),
    path("assessments/<int:assessment_id>/veto/", views.assessment_veto_view, name="assessment-veto"),
    path(
        "assessments/<int:assessment_id>/finalise/",
        views.assessment_finalise_view,
        name="assessment-finalise",
    ),
]
