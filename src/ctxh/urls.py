"""URL map. The admin is for superusers only; everyone else works in the app's pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from ctxh.accounts import views as account_views


def _superusers_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
admin.site.site_header = "ctxh"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("ctxh.accounts.urls")),
    path("organizations/", include("ctxh.organizations.urls")),
    path("imports/", include("ctxh.core.importing.urls")),
    path("workforce/", include("ctxh.workforce.urls")),
    path("practicum/", include("ctxh.practicum.urls")),
    path("training/", include("ctxh.training.urls")),
    path("cooperation/", include("ctxh.cooperation.urls")),
    path("monitoring/", include("ctxh.monitoring.urls")),
    path("public/", include("ctxh.portal.urls")),
    path("documents/", include("ctxh.documents.urls")),
    path("verify/", include("ctxh.documents.public_urls")),
    path("", include("ctxh.core.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "ctxh.core.views.error_403"
handler404 = "ctxh.core.views.error_404"
handler500 = "ctxh.core.views.error_500"
