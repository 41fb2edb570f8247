from django.urls import path

from . import views, views_export, views_network

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list_view, name="list"),
    path("new/", views.organization_create, name="create"),
    path("export/", views.organization_export, name="export"),
    path("export.xlsx", views_export.organization_export_xlsx, name="export-xlsx"),
    path("export.csv", views_export.organization_export_csv, name="export-csv"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    # The service network: facilities, their map and residents' headcounts.
    path("facilities/", views_network.facility_list_view, name="facilities"),
    path("map/", views_network.facility_map, name="map"),
    path("map/data.json", views_network.facility_map_data, name="map-data"),
    path("<int:pk>/headcount/", views_network.headcount_submit_view, name="headcount"),
]
