from django.urls import path

from .views import export, network, organizations, reviews

app_name = "organizations"
urlpatterns = [
    path("", organizations.organization_list_view, name="list"),
    path("new/", organizations.organization_create, name="create"),
    path("export/", organizations.organization_export, name="export"),
    path("export.xlsx", export.organization_export_xlsx, name="export-xlsx"),
    path("export.csv", export.organization_export_csv, name="export-csv"),
    path("<int:pk>/", organizations.organization_detail, name="detail"),
    path("<int:pk>/edit/", organizations.organization_edit, name="edit"),
    # The service network: facilities, their map and residents' headcounts.
    path("facilities/", network.facility_list_view, name="facilities"),
    path("facilities/export.xlsx", export.facility_export_xlsx, name="facilities-export-xlsx"),
    path("facilities/export.csv", export.facility_export_csv, name="facilities-export-csv"),
    path("map/", network.facility_map, name="map"),
    path("map/data.json", network.facility_map_data, name="map-data"),
    path("<int:pk>/headcount/", network.headcount_submit_view, name="headcount"),
    path("headcounts/reviews/", reviews.headcount_review_list, name="headcount-reviews"),
    path("headcounts/<int:pk>/review/", reviews.headcount_review, name="headcount-review"),
]
