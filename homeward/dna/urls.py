"""Staff pages of the dna app, mounted at /staff/dna/."""

from django.urls import URLPattern, URLResolver, path

from homeward.dna import views

app_name = "dna"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home_view, name="home"),
    path("samples/", views.samples_view, name="samples"),
    path("samples/new/", views.sample_create_view, name="sample-create"),
    path("samples/<int:sample_id>/", views.sample_view, name="sample"),
    path("samples/<int:sample_id>/profile/", views.profile_view, name="profile"),
    path("samples/<int:sample_id>/export/", views.export_view, name="export"),
    path("samples/<int:sample_id>/search/", views.sample_search_view, name="sample-search"),
    path("samples/<int:sample_id>/clear/", views.sample_clear_view, name="sample-clear"),
    path("samples/<int:sample_id>/withdraw/", views.sample_withdraw_view, name="sample-withdraw"),
    path("families/", views.families_view, name="families"),
    path("families/new/", views.family_create_view, name="family-create"),
    path("families/<int:family_id>/", views.family_view, name="family"),
    path("families/<int:family_id>/search/", views.family_search_view, name="family-search"),
    path("searches/<int:search_id>/", views.search_view, name="search"),
    path("searches/<int:search_id>/sign-off/", views.search_sign_off_view, name="search-sign-off"),
    path("candidates/", views.candidates_view, name="candidates"),
    path("candidates/<int:candidate_id>/", views.candidate_view, name="candidate"),
    path(
        "candidates/<int:candidate_id>/<str:decision>/",
        views.candidate_decide_view,
        name="candidate-decide",
    ),
    path("import/", views.import_view, name="import"),
    path("import/<int:batch_id>/", views.import_detail_view, name="import-detail"),
    path("tables/", views.tables_view, name="tables"),
    path("tables/<int:table_id>/activate/", views.table_activate_view, name="table-activate"),
    path("duplicates/", views.duplicates_view, name="duplicates"),
    path("duplicates/<int:flag_id>/resolve/", views.duplicate_resolve_view, name="duplicate-resolve"),
]
