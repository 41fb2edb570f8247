from django.contrib import admin

from .models import FacilityProfile, Organization, ServiceType, TargetGroup


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "ownership", "ward", "active")
    list_filter = ("kind", "ownership", "active")
    search_fields = ("code", "name", "search_text")
    raw_id_fields = ("parent", "ward")


admin.site.register(FacilityProfile)
admin.site.register(TargetGroup)
admin.site.register(ServiceType)
