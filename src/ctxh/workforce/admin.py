"""Admin (superusers only). People, employment, certificates and field instructors are
kept through the pages and their services, so they are read-only here; targets are edited
here, and the save goes through ``services.workforce_target_save`` (audited)."""

from django.contrib import admin

from ctxh.core.admin import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .models import Certificate, Employment, FieldInstructor, Person, WorkforceTarget


@admin.register(WorkforceTarget)
class WorkforceTargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "percent", "source")
    list_editable = ("percent",)
    list_filter = ("indicator",)

    def save_model(self, request, obj, form, change):
        services.workforce_target_save(by=request.user, target=obj)

    def has_delete_permission(self, request, obj=None):
        return False


class EmploymentInline(ReadOnlyInline):
    model = Employment
    raw_id_fields = ("organization",)


class CertificateInline(ReadOnlyInline):
    model = Certificate


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = (
        "full_name",
        "gender",
        "staff_type",
        "professional_title",
        "current_organization",
    )
    list_filter = ("staff_type", "professional_title", "education_level")
    # The citizen ID is never in search_text; a superuser finds a person by the whole number.
    search_fields = ("search_text", "=cccd")
    list_select_related = ("current_organization",)
    exclude = ("cccd", "search_text")  # the citizen ID is shown masked, on the pages
    inlines = [EmploymentInline, CertificateInline]


@admin.register(Employment)
class EmploymentAdmin(ReadOnlyAdmin):
    list_display = ("person", "organization", "position", "start_date", "end_date")
    list_select_related = ("person", "organization")


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("person", "kind", "number", "issued_on")
    list_select_related = ("person",)


@admin.register(FieldInstructor)
class FieldInstructorAdmin(ReadOnlyAdmin):
    list_display = ("person", "trained_in_supervision", "since", "max_students", "active")
    list_select_related = ("person",)
