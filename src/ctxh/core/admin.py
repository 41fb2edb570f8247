"""What the Django admin may do with the project's models.

The admin is for superusers only (``settings``/``urls``), and it must never be a way
around the services: a model whose writes go through a service (permission, validation,
audit) is shown read-only here (:class:`ReadOnlyAdmin`); a model the admin edits routes
the save through its service instead (see ``workforce/admin.py``, targets).
"""

from __future__ import annotations

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, search and filter; add, change and delete through the pages and services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
