from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.<str:fmt>", views.audit_export, name="audit-export"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
]
