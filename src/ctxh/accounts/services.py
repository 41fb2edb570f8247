"""Writes to accounts and memberships. Keyword-only, permission-checked, atomic, audited."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.notifications import NotificationMode
from ctxh.core.scoping import SYSTEM, scope_for

from .models import Membership, User
from .roles import GRANTABLE_ROLES, ROLE_ORGANIZATION_KINDS, Role


def _require_everything(by, model, action) -> None:
    if not scope_for(by, model, action).everything:
        raise PermissionDenied


@transaction.atomic
def user_create(
    *,
    by,
    username: str,
    full_name: str,
    email: str = "",
    password: str,
    validate: bool = True,
) -> User:
    """Create a sign-in account (programme office or the operator's command line)."""
    _require_everything(by, Membership, "add")
    user = User(username=username, full_name=full_name, email=email)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=by,
        action="user.create",
        obj=user,
        new={"username": username, "full_name": full_name, "email": email},
    )
    return user


@transaction.atomic
def user_set_password(*, by, user: User, password: str, validate: bool = True) -> None:
    """Set a user's password (their own, or any for the programme office/operator)."""
    if getattr(by, "pk", None) != user.pk:
        _require_everything(by, Membership, "change")
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=by, action="user.set_password", obj=user)


@transaction.atomic
def membership_grant(*, by, user: User, organization, role: str) -> Membership:
    """Give ``user`` a role in ``organization``; granting an existing one changes nothing.
    ``by`` may grant only the roles its own role allows (:func:`check_grant`)."""
    check_grant(by, organization, role)
    membership = Membership.objects.filter(user=user, organization=organization, role=role).first()
    if membership is not None and membership.active:
        return membership
    if membership is None:
        membership = Membership(user=user, organization=organization, role=role, active=True)
    else:
        membership.active = True
    membership.full_clean()  # before anything is written: an unknown role is refused
    membership.save()
    audit.record(
        actor=by,
        action="membership.grant",
        obj=membership,
        organization=organization,
        new={"user": user.username, "role": role},
    )
    return membership


@transaction.atomic
def membership_revoke(*, by, membership: Membership) -> None:
    """End a user's role in an organisation (the record is kept, inactive)."""
    if not scope_for(by, Membership, "change").covers(membership.organization) or (
        membership.role not in grantable_roles(by, membership.organization)
    ):
        raise PermissionDenied
    if not membership.active:
        return
    membership.active = False
    membership.save(update_fields=["active"])
    audit.record(
        actor=by,
        action="membership.revoke",
        obj=membership,
        organization=membership.organization,
        old={"active": True},
        new={"active": False},
    )


# --- Account administration --------------------------------------------------------------
# The programme office administers every account; a ward office, a facility and a school
# administer their own organisation's accounts, granting only the roles GRANTABLE_ROLES
# allows them. Passwords are never chosen by an administrator: an invitation (or a reset)
# mails a one-time link, valid for PASSWORD_RESET_TIMEOUT, that dies once used.


def grantable_roles(by, organization) -> list[str]:
    """The roles ``by`` may grant in ``organization`` (empty: none)."""
    if not scope_for(by, Membership, "add").covers(organization):
        return []
    if by is SYSTEM or getattr(by, "is_superuser", False):
        allowed = set(Role.values)
    else:
        allowed = set()
        for m in by.active_memberships:
            if m.role == Role.PROGRAMME_OFFICE or m.organization_id == organization.pk:
                allowed |= GRANTABLE_ROLES.get(m.role, frozenset())
    kind = getattr(organization, "kind", None)
    return [
        role
        for role in Role.values
        if role in allowed
        and (ROLE_ORGANIZATION_KINDS.get(role) is None or kind in ROLE_ORGANIZATION_KINDS[role])
    ]


def check_grant(by, organization, role: str) -> None:
    """Refuse a role ``by`` may not grant there: 403 outside its scope, a clear message for a
    role it may not grant or one that does not fit the organisation's kind."""
    if not scope_for(by, Membership, "add").covers(organization):
        raise PermissionDenied
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role not in grantable_roles(by, organization):
        kinds = ROLE_ORGANIZATION_KINDS.get(role)
        if kinds is not None and organization.kind not in kinds:
            raise ValidationError(
                {
                    "role": _("The role “%(role)s” does not fit a %(kind)s.")
                    % {"role": Role(role).label, "kind": organization.get_kind_display().lower()}
                }
            )
        raise ValidationError(
            {"role": _("You may not grant the role “%(role)s”.") % {"role": Role(role).label}}
        )


def may_administer(by, user: User) -> bool:
    """Whether ``by`` may change ``user``'s account: the programme office always (but a
    superuser only by a superuser); others when every role the user holds is one they may
    grant in an organisation they administer."""
    if user.is_superuser and not getattr(by, "is_superuser", False):
        return False
    scope = scope_for(by, Membership, "change")
    if scope.everything:
        return True
    if scope.empty or getattr(by, "pk", None) == user.pk:
        return False
    memberships = list(user.memberships.select_related("organization"))
    return bool(memberships) and all(
        scope.covers(m.organization) and m.role in grantable_roles(by, m.organization)
        for m in memberships
    )


def _require_administer(by, user: User) -> None:
    if not may_administer(by, user):
        raise PermissionDenied


def _check_email_free(email: str, user: User | None = None) -> None:
    if not email:
        return
    clash = User.objects.filter(email__iexact=email)
    if user is not None and user.pk:
        clash = clash.exclude(pk=user.pk)
    if clash.exists():
        raise ValidationError({"email": _("Another account already uses this e-mail address.")})


def _link_message(user: User, kind: str) -> EmailMessage:
    """The e-mail with a one-time link to set the password (``kind``: invitation/reset)."""
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.CTXH_BASE_URL.rstrip("/") + reverse(
        "accounts:set-password", kwargs={"uidb64": uid, "token": token}
    )
    context = {
        "user": user,
        "link": link,
        "agency_name": settings.CTXH_AGENCY_NAME,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = (
            _("Your ctxh account: set your password")
            if kind == "invitation"
            else _("ctxh: reset your password")
        )
        body = render_to_string(f"accounts/email/{kind}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _send_links(users, kind: str) -> None:
    """Mail each user (with an address) their link, over one connection, after commit."""
    outgoing = [_link_message(user, kind) for user in users if user.email]
    if outgoing:
        transaction.on_commit(lambda: get_connection().send_messages(outgoing))


def _send_link(user: User, kind: str) -> None:
    _send_links([user], kind)


ACCOUNT_FIELDS = ("full_name", "email", "phone")
#: What only the user changes for themselves.
PREFERENCE_FIELDS = ("notification_mode",)


@transaction.atomic
def account_create(
    *,
    by,
    username: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    grants: list[tuple] = (),
    invite: bool = True,
) -> User:
    """Open an account with its roles (organisation × role) and, when it has an e-mail,
    mail an invitation to set the password. No password is ever chosen for the user."""
    grants = list(grants)
    if not grants and not scope_for(by, Membership, "add").everything:
        raise ValidationError(_("Give the account at least one role."))
    for organization, role in grants:
        check_grant(by, organization, role)
    if invite and not email:
        raise ValidationError({"email": _("An invitation needs an e-mail address.")})
    user = User(username=username.strip(), full_name=full_name.strip(), email=email.strip())
    user.phone = phone.strip()
    _check_email_free(user.email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=by,
        action="user.create",
        obj=user,
        organization=grants[0][0] if grants else None,
        new={"username": user.username, "full_name": user.full_name, "email": user.email},
    )
    for organization, role in grants:
        membership_grant(by=by, user=user, organization=organization, role=role)
    if invite:
        _send_link(user, "invitation")
        audit.record(actor=by, action="user.invite", obj=user)
    return user


@transaction.atomic
def account_update(*, by, user: User, data: dict) -> User:
    """Change an account's name, e-mail or phone (the user's administrators, or the user;
    the user also their language and how their notifications are e-mailed)."""
    own = getattr(by, "pk", None) == user.pk
    if not own:
        _require_administer(by, user)
    tracked = (*ACCOUNT_FIELDS, "notification_mode")
    old = {name: getattr(user, name) for name in tracked}
    for name, value in data.items():
        if name not in (*ACCOUNT_FIELDS, "language", *(PREFERENCE_FIELDS if own else ())):
            raise ValueError(f"Unknown account field: {name}")
        setattr(user, name, value.strip() if isinstance(value, str) else value)
    if user.notification_mode == NotificationMode.DAILY and old["notification_mode"] != (
        NotificationMode.DAILY
    ):
        # The first digest covers what comes after the switch (the rest was e-mailed).
        user.digest_sent_at = timezone.now()
    _check_email_free(user.email, user)
    user.full_clean(exclude=["password"])
    new = {name: getattr(user, name) for name in tracked}
    changed = [k for k in new if new[k] != old[k]]
    user.save()
    if changed:
        audit.record(
            actor=by,
            action="user.update",
            obj=user,
            old={k: old[k] for k in changed},
            new={k: new[k] for k in changed},
        )
    return user


def profile_update(*, by, data: dict) -> User:
    """A signed-in user changes their own name, e-mail, phone, language and notification
    e-mails (``notification_mode``: immediate, a daily digest or none)."""
    return account_update(by=by, user=by, data=data)


@transaction.atomic
def account_invite(*, by, user: User) -> None:
    """Send (again) the invitation to set the password."""
    _require_administer(by, user)
    if not user.email:
        raise ValidationError({"email": _("This account has no e-mail address.")})
    if not user.is_active:
        raise ValidationError(_("This account is deactivated; reactivate it first."))
    _send_link(user, "invitation")
    audit.record(actor=by, action="user.invite", obj=user)


@transaction.atomic
def account_reset_password(*, by, user: User) -> None:
    """Mail a one-time link to choose a new password (the old one stops working)."""
    _require_administer(by, user)
    if not user.email:
        raise ValidationError({"email": _("This account has no e-mail address.")})
    if not user.is_active:
        raise ValidationError(_("This account is deactivated; reactivate it first."))
    user.set_unusable_password()
    user.save(update_fields=["password"])
    _send_link(user, "reset")
    audit.record(actor=by, action="user.reset_password", obj=user)


@transaction.atomic
def account_set_active(*, by, user: User, active: bool, reason: str = "") -> User:
    """Deactivate (the user can no longer sign in; nothing is deleted) or reactivate."""
    _require_administer(by, user)
    if getattr(by, "pk", None) == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor=by,
        action="user.reactivate" if active else "user.deactivate",
        obj=user,
        old={"is_active": not active},
        new={"is_active": active, **({"reason": reason[:200]} if reason else {})},
    )
    return user


def is_locked(user: User) -> bool:
    """Whether repeated failed sign-ins currently lock the account (django-axes)."""
    return locked_usernames().filter(username=user.username).exists()


def locked_usernames():
    """Usernames locked out by failed sign-ins within the cool-off time."""
    from axes.models import AccessAttempt

    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).values("username")


@transaction.atomic
def account_unlock(*, by, user: User) -> int:
    """Lift the lockout of repeated failed sign-ins. Returns the attempts cleared."""
    from axes.models import AccessAttempt

    _require_administer(by, user)
    cleared, _details = AccessAttempt.objects.filter(username=user.username).delete()
    if cleared:
        audit.record(actor=by, action="user.unlock", obj=user, new={"attempts_cleared": cleared})
    return cleared


def user_for_link(uidb64: str, token: str) -> User | None:
    """The active user a set-password link belongs to, if the link is valid and unused."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def password_set_by_link(*, uidb64: str, token: str, password: str) -> User:
    """The user chooses their password through the one-time link (the link then dies)."""
    user = user_for_link(uidb64, token)
    if user is None:
        raise ValidationError(
            _("This link has expired or has already been used. Ask for a new one.")
        )
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=user, action="user.set_password_by_link", obj=user)
    return user


@transaction.atomic
def accounts_import(*, by, rows: list[dict]) -> dict[str, int]:
    """Write an account import (rows planned by :mod:`.importing`): new accounts without a
    password and with an invitation, changed names/e-mails/phones, and missing roles.

    Each row is ``{"username", "data": {full_name, email, phone}, "org": id, "role",
    "changed": [...]}``; an account named on several rows is created once. Every role is
    checked with :func:`check_grant` again; changes to existing accounts are audited one
    by one, new accounts by the import's summary event (the file is their source).
    """
    from ctxh.organizations.models import Organization

    orgs = Organization.objects.in_bulk({row["org"] for row in rows})
    for row in rows:
        check_grant(by, orgs[row["org"]], row["role"])
    usernames = {row["username"] for row in rows}
    existing = {u.username.lower(): u for u in User.objects.filter(username__in=usernames)}
    created: dict[str, User] = {}
    updated: dict[str, tuple[User, dict, dict]] = {}
    for row in rows:
        name = row["username"]
        user = existing.get(name) or created.get(name)
        if user is None:
            user = User(username=name, **row["data"])
            user.set_unusable_password()
            user.refresh_search_text()
            user.full_clean(exclude=["password"], validate_unique=False)
            created[name] = user
        elif name in existing and row.get("changed"):
            if not may_administer(by, user) and not scope_for(by, Membership, "add").everything:
                raise PermissionDenied
            old = {k: getattr(user, k) for k in row["changed"]}
            for key in row["changed"]:
                setattr(user, key, row["data"][key])
            user.refresh_search_text()
            user.full_clean(exclude=["password"], validate_unique=False)
            previous = updated.get(name)
            updated[name] = (
                user,
                {**old, **(previous[1] if previous else {})},
                {k: getattr(user, k) for k in row["changed"]},
            )
    User.objects.bulk_create(list(created.values()), batch_size=1000)
    if updated:
        User.objects.bulk_update(
            [u for u, _old, _new in updated.values()],
            ["full_name", "email", "phone", "search_text", "sort_key"],
            batch_size=1000,
        )
    users = {**existing, **created}
    have = set(
        Membership.objects.filter(user__in=list(users.values())).values_list(
            "user_id", "organization_id", "role", "active"
        )
    )
    active_keys = {(u, o, r) for u, o, r, a in have if a}
    inactive_keys = {(u, o, r) for u, o, r, a in have if not a}
    new_memberships, reactivated, events = [], [], []
    seen = set()
    for row in rows:
        user = users[row["username"]]
        key = (user.pk, row["org"], row["role"])
        if key in active_keys or key in seen:
            continue
        seen.add(key)
        if key in inactive_keys:
            reactivated.append(key)
        else:
            new_memberships.append(
                Membership(user=user, organization_id=row["org"], role=row["role"])
            )
    Membership.objects.bulk_create(new_memberships, batch_size=1000)
    for user_id, org_id, role in reactivated:
        Membership.objects.filter(user_id=user_id, organization_id=org_id, role=role).update(
            active=True
        )
    for user, old, new in updated.values():
        events.append({"action": "user.import_update", "obj": user, "old": old, "new": new})
    for membership in new_memberships:
        if membership.user.username in existing:
            events.append(
                {
                    "action": "membership.grant",
                    "obj": membership,
                    "organization": orgs[membership.organization_id],
                    "new": {"user": membership.user.username, "role": membership.role},
                }
            )
    audit.record_many(actor=by, events=events)
    _send_links(created.values(), "invitation")
    return {
        "accounts_created": len(created),
        "accounts_updated": len(updated),
        "roles_granted": len(new_memberships) + len(reactivated),
    }
