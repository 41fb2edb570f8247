"""Writes to accounts and memberships. Keyword-only, permission-checked, atomic, audited."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction

from ctxh.core import audit
from ctxh.core.scoping import scope_for

from .models import Membership, User


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
    """Give ``user`` a role in ``organization``; granting an existing one changes nothing."""
    _require_everything(by, Membership, "add")
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
    _require_everything(by, Membership, "change")
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
