from django.contrib import admin

from ctxh.core.admin import ReadOnlyAdmin

from .models import FacilityProfile, Organization, ResidentCount, ServiceType, TargetGroup


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    """Read-only: organisations and facility profiles change through the services."""

    list_display = ("code", "name", "kind", "ownership", "ward", "active")
    list_filter = ("kind", "ownership", "active")
    search_fields = ("code", "name", "search_text")
    raw_id_fields = ("parent", "ward")


admin.site.register(FacilityProfile, ReadOnlyAdmin)
admin.site.register(TargetGroup)
admin.site.register(ServiceType)


@admin.register(ResidentCount)
class ResidentCountAdmin(admin.ModelAdmin):
    """Read-only: headcounts are only ever added through the service (never overwritten)."""

    list_display = ("facility", "period_end", "target_group", "count", "recorded_at", "supersedes")
    list_filter = ("period_end", "target_group")
    search_fields = ("facility__code", "facility__name")
    list_select_related = ("facility", "target_group", "supersedes")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
