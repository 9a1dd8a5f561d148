from django.urls import path

from homeward.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token-revoke"),
    path("admin/agencies/", views.agencies_view, name="agencies"),
    path("admin/users/", views.users_view, name="users"),
    path("admin/users/<int:user_id>/", views.user_edit_view, name="user-edit"),
]
