"""Sign-in, the role-based home page and the members list."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy

from ctxh.core import panels
from ctxh.core.models import Job
from ctxh.core.permissions import require

from . import roles, services
from .forms import LoginForm
from .models import Membership
from .roles import Role


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        """Sign in, and answer in the language the user chose in their profile."""
        response = super().form_valid(form)
        language = getattr(form.get_user(), "language", "") or settings.LANGUAGE_CODE
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
        )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form):
        """Through the audited service (the form has validated the new password)."""
        services.user_set_password(
            by=self.request.user,
            user=form.user,
            password=form.cleaned_data["new_password1"],
            validate=False,
        )
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


@login_required
def home(request):
    """The home page for the user's roles: their organisations, menu and to-dos."""
    memberships = request.user.active_memberships
    roles = {m.role for m in memberships}
    recent_jobs = Job.objects.visible_to(request.user, "view").filter(created_by=request.user)[:5]
    context = {
        # Each app's figures and to-dos for this user's roles (slot "home", ctxh.core.panels).
        "panels": panels.render("home", request, request.user),
        "memberships": memberships,
        "is_programme_office": Role.PROGRAMME_OFFICE in roles or request.user.is_superuser,
        "recent_jobs": recent_jobs,
        "todos": panels.todos(request, request.user),  # each app adds its own
    }
    return render(request, "accounts/home.html", context)


@login_required
def role_table(request):
    """The one permission table, as the app registry assembled it: role × model × action →
    reach (for the programme office and the auditor)."""
    require(request.user, Membership, "view_role_table")
    reach_labels = dict(roles.Reach.choices)
    lines = [
        {
            "model": row.model_name,
            "model_label": row.model_label,
            "action": row.action_name,
            "reaches": [(kind, reach_labels.get(kind, "")) for kind in row.reaches],
        }
        for row in roles.rows()
    ]
    return render(
        request,
        "accounts/role_table.html",
        {"roles": [label for _value, label in Role.choices], "rows": lines},
    )
