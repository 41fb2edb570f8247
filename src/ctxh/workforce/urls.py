from django.urls import path

from . import views, views_export

app_name = "workforce"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("export.<str:fmt>", views_export.person_export, name="export"),
    path("new/", views.person_create, name="create"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.<str:fmt>", views_export.statistics_export, name="statistics_export"),
    path("access-log/", views.access_log, name="access_log"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/access-purpose/", views.access_purpose, name="access_purpose"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/employment/", views.employment_start, name="employment_start"),
    path(
        "<int:pk>/employment/<int:employment_pk>/end/",
        views.employment_end,
        name="employment_end",
    ),
    path("<int:pk>/certificates/new/", views.certificate_add, name="certificate_add"),
    path("<int:pk>/field-instructor/", views.field_instructor_set, name="field_instructor"),
]
