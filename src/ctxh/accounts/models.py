"""Users and their memberships: who works for which organisation, in which role."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.collation import name_sort_key
from ctxh.core.notifications import NotificationMode
from ctxh.core.scoping import NOTHING, Scope, ScopedQuerySet
from ctxh.core.searchtext import normalize
from ctxh.core.validators import validate_vn_phone

from .roles import ALL, ORG, SELF, WARD, Role, reach


class User(AbstractUser):
    """A person who signs in. What they may do comes only from their memberships."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_vn_phone])
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("vi", _("Vietnamese")), ("en", _("English"))],
        default="vi",
    )
    notification_mode = models.CharField(
        _("notification e-mails"),
        max_length=10,
        choices=NotificationMode.choices,
        default=NotificationMode.IMMEDIATE,
    )
    #: When the last daily digest was sent (``ctxh.core.notifications.send_digests``).
    digest_sent_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)
    #: Accent-free, lower-case username, full name and e-mail, for the account search.
    search_text = models.TextField(editable=False, blank=True, db_index=False)
    #: Vietnamese order, by given name then family name (``ctxh.core.collation``).
    sort_key = models.CharField(max_length=255, editable=False, blank=True, db_index=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def refresh_search_text(self) -> None:
        self.search_text = normalize(" ".join([self.username, self.full_name, self.email]))
        self.sort_key = name_sort_key(self.full_name or self.username)

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"username", "full_name", "email"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text", "sort_key"}
        super().save(*args, **kwargs)

    @cached_property
    def active_memberships(self) -> list[Membership]:
        return list(
            self.memberships.filter(active=True, organization__active=True)
            .select_related("organization", "organization__ward")
            .order_by("id")
        )

    @property
    def roles(self) -> set[str]:
        return {m.role for m in self.active_memberships}

    def scope_for(self, model: type[models.Model], action: str) -> Scope:
        """The union, over the user's memberships, of each role's reach (see ``roles``)."""
        cache = self.__dict__.setdefault("_scope_cache", {})
        key = (model._meta.label_lower, action)
        if key in cache:
            return cache[key]
        scope = NOTHING
        for membership in self.active_memberships:
            kind = reach(key[0], action, membership.role)
            if kind == ALL:
                scope = scope | Scope(everything=True)
            elif kind == ORG:
                scope = scope | Scope(organization_ids=frozenset({membership.organization_id}))
            elif kind == WARD:
                ward_id = membership.organization.ward_id
                scope = scope | Scope(
                    organization_ids=frozenset({membership.organization_id}),
                    ward_ids=frozenset({ward_id}) if ward_id else frozenset(),
                )
            elif kind == SELF:
                scope = scope | Scope(self_user_id=self.pk)
        cache[key] = scope
        return scope


class MembershipQuerySet(ScopedQuerySet):
    pass


class Membership(models.Model):
    """A user's role in one organisation. A user may hold several."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()
    scope_organization_field = "organization"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="unique_membership"
            )
        ]
        ordering = ["organization__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
