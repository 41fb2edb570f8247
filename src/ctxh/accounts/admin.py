"""Accounts in the Django admin: read-only. Accounts are opened, changed, deactivated and
given roles in the app's own pages (``/accounts/members/``), through the audited services."""

from django.contrib import admin

from ctxh.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Membership, User


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ("organization", "role", "active", "created_at")
    readonly_fields = fields


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "full_name", "email", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "full_name", "email")
    list_filter = ("is_active", "is_superuser")
    exclude = ("password", "search_text")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "organization", "role", "active")
    list_filter = ("role", "active")
    search_fields = ("user__username", "organization__name", "organization__code")
