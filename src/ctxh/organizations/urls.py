from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list_view, name="list"),
    path("new/", views.organization_create, name="create"),
    path("export/", views.organization_export, name="export"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
]
