"""Pages of account administration: the account list and export, a new account by
invitation, an account's page (roles, invitation, password reset, deactivation, unlock),
the user's own profile and the public set-password link.

Every change goes through :mod:`.services`; who may see an account is
:func:`.selectors.account_list`; who may change it is :func:`.services.may_administer`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from ctxh.core.exporting import csv_response, xlsx_response
from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, require

from . import selectors, services
from .filters import AccountFilter
from .forms import AccountCreateForm, AccountForm, DeactivateForm, GrantForm, ProfileForm
from .models import Membership, User
from .tables import AccountTable


def _filtered(request):
    return AccountFilter(
        request.GET, queryset=selectors.account_list(user=request.user), user=request.user
    )


@login_required
@require_GET
def account_list(request):
    """Every account the user may see, with search, filters, sorting and export."""
    require(request.user, Membership, "view")
    account_filter = _filtered(request)
    table = AccountTable(account_filter.qs, locked=selectors.locked_set())
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(
        request,
        "accounts/members.html",
        {
            "filter": account_filter,
            "table": table,
            "can_add": can(request.user, Membership, "add"),
            "can_see_roles": can(request.user, Membership, "view_role_table"),
            "query": request.GET.urlencode(),
        },
    )


EXPORT_HEADERS = [
    "Tên đăng nhập",
    "Họ và tên",
    "Email",
    "Điện thoại",
    "Vai trò",
    "Đang hoạt động",
    "Bị khóa",
    "Đăng nhập lần cuối",
]


def _export_rows(queryset):
    yes, no = _("Yes"), _("No")
    locked = selectors.locked_set()
    for user in queryset.iterator(chunk_size=2000):
        roles = "; ".join(
            f"{m.get_role_display()} – {m.organization.code}"
            for m in user.memberships.all()
            if m.active
        )
        yield [
            user.username,
            user.full_name,
            user.email,
            user.phone,
            roles,
            yes if user.is_active else no,
            yes if user.username in locked else no,
            timezone.localtime(user.last_login).replace(tzinfo=None) if user.last_login else "",
        ]


@login_required
@require_GET
def account_export(request, fmt: str):
    """``/accounts/members/export.xlsx|csv``: the filtered list."""
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    require(request.user, Membership, "view")
    queryset = _filtered(request).qs
    filename = f"tai-khoan-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == "csv":
        return csv_response(headers=EXPORT_HEADERS, rows=_export_rows(queryset), filename=filename)
    return xlsx_response(
        headers=EXPORT_HEADERS,
        rows=_export_rows(queryset),
        filename=filename,
        sheet_title="Tai khoan",
    )


@login_required
def account_create(request):
    """A new account with its first role; the invitation goes to its e-mail."""
    require(request.user, Membership, "add")
    form = AccountCreateForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_create(
                by=request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                grants=[(data["organization"], data["role"])],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Account %(username)s created; an invitation was sent to %(email)s.")
                % {"username": user.username, "email": user.email},
            )
            return redirect("accounts:account", user.pk)
    return render(request, "accounts/account_form.html", {"form": form, "creating": True})


def _account_or_404(request, pk: int) -> User:
    require(request.user, Membership, "view")
    account = selectors.account_for(user=request.user, pk=pk)
    if account is None:
        raise Http404
    return account


@login_required
@require_GET
def account_detail(request, pk: int):
    """An account: its roles, its state and what its administrators may do."""
    account = _account_or_404(request, pk)
    may_change = services.may_administer(request.user, account)
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "memberships": account.memberships.all(),
            "may_change": may_change,
            "grant_form": GrantForm(by=request.user) if may_change else None,
            "deactivate_form": DeactivateForm(),
            "grantable": {
                m.pk
                for m in account.memberships.all()
                if m.active and m.role in services.grantable_roles(request.user, m.organization)
            },
        },
    )


@login_required
def account_edit(request, pk: int):
    account = _account_or_404(request, pk)
    if not services.may_administer(request.user, account):
        raise PermissionDenied
    initial = {"full_name": account.full_name, "email": account.email, "phone": account.phone}
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(by=request.user, user=account, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The account was saved."))
            return redirect("accounts:account", account.pk)
    return render(request, "accounts/account_form.html", {"form": form, "account": account})


_ACTIONS = {
    "invite": (
        lambda by, user, form: services.account_invite(by=by, user=user),
        _("The invitation was sent again."),
    ),
    "reset": (
        lambda by, user, form: services.account_reset_password(by=by, user=user),
        _("A link to choose a new password was sent; the old password no longer works."),
    ),
    "deactivate": (
        lambda by, user, form: services.account_set_active(
            by=by, user=user, active=False, reason=form.get("reason", "")
        ),
        _("The account was deactivated."),
    ),
    "reactivate": (
        lambda by, user, form: services.account_set_active(by=by, user=user, active=True),
        _("The account was reactivated."),
    ),
    "unlock": (
        lambda by, user, form: services.account_unlock(by=by, user=user),
        _("The account was unlocked."),
    ),
}


@login_required
@require_POST
def account_action(request, pk: int, action: str):
    """One administrative action on an account (each confirmed on the page first)."""
    if action not in _ACTIONS:
        raise Http404
    account = _account_or_404(request, pk)
    if not services.may_administer(request.user, account):
        raise PermissionDenied
    perform, done = _ACTIONS[action]
    try:
        perform(request.user, account, request.POST)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(done))
    return redirect("accounts:account", account.pk)


@login_required
@require_POST
def membership_add(request, pk: int):
    account = _account_or_404(request, pk)
    if not services.may_administer(request.user, account):
        raise PermissionDenied
    form = GrantForm(request.POST, by=request.user)
    if form.is_valid():
        try:
            services.membership_grant(
                by=request.user,
                user=account,
                organization=form.cleaned_data["organization"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The role was granted."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("accounts:account", account.pk)


@login_required
@require_POST
def membership_end(request, pk: int):
    require(request.user, Membership, "change")
    membership = (
        Membership.objects.visible_to(request.user, "change")
        .select_related("organization", "user")
        .filter(pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    services.membership_revoke(by=request.user, membership=membership)
    messages.success(request, _("The role was withdrawn."))
    return redirect("accounts:account", membership.user_id)


@login_required
def profile(request):
    """The signed-in user's own name, e-mail, phone, language and notification e-mails."""
    user = request.user
    initial = {
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "language": user.language,
        "notification_mode": user.notification_mode,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "notification_mode" or v}
            services.profile_update(by=user, data=data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            translation.activate(user.language)
            messages.success(request, _("Your profile was saved."))
            response = redirect("accounts:profile")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=365 * 24 * 3600,
                samesite="Lax",
            )
            return response
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": user.active_memberships},
    )


def set_password(request, uidb64: str, token: str):
    """The public page behind an invitation or reset link: choose a password, once."""
    user = services.user_for_link(uidb64, token)
    if user is None:
        return render(request, "registration/set_password.html", {"invalid": True}, status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set_by_link(
                uidb64=uidb64, token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.user.is_authenticated and request.user.pk == user.pk:
                update_session_auth_hash(request, user)
            messages.success(request, _("Your password is set. You can sign in now."))
            return redirect("login")
    return render(request, "registration/set_password.html", {"form": form, "account": user})
