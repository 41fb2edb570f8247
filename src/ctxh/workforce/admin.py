"""Admin (superusers only). Targets are edited here; people are kept through the pages."""

from django.contrib import admin

from .models import Certificate, Employment, FieldInstructor, Person, WorkforceTarget


@admin.register(WorkforceTarget)
class WorkforceTargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "percent", "source")
    list_editable = ("percent",)
    list_filter = ("indicator",)


class EmploymentInline(admin.TabularInline):
    model = Employment
    extra = 0
    raw_id_fields = ("organization",)


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = (
        "full_name",
        "gender",
        "staff_type",
        "professional_title",
        "current_organization",
    )
    list_filter = ("staff_type", "professional_title", "education_level")
    search_fields = ("search_text",)
    raw_id_fields = ("current_organization",)
    list_select_related = ("current_organization",)
    inlines = [EmploymentInline, CertificateInline]


admin.site.register(FieldInstructor, raw_id_fields=("person",))
