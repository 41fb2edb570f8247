from django.contrib.auth import views as auth_views
from django.urls import path

from . import administration, views

app_name = "accounts"
urlpatterns = [
    path("members/", administration.account_list, name="members"),
    path("members/export.<str:fmt>", administration.account_export, name="members-export"),
    path("members/new/", administration.account_create, name="account-create"),
    path("members/<int:pk>/", administration.account_detail, name="account"),
    path("members/<int:pk>/edit/", administration.account_edit, name="account-edit"),
    path("members/<int:pk>/roles/", administration.membership_add, name="membership-add"),
    path("members/<int:pk>/<slug:action>/", administration.account_action, name="account-action"),
    path("roles/<int:pk>/end/", administration.membership_end, name="membership-end"),
    path("profile/", administration.profile, name="profile"),
    path("set-password/<uidb64>/<token>/", administration.set_password, name="set-password"),
    path("roles/", views.role_table, name="roles"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password-change-done",
    ),
]
