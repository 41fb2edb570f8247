from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_index, name="index"),
    path("jobs/<int:pk>/", views.import_job, name="job"),
    path("jobs/<int:pk>/commit/", views.import_commit, name="commit"),
    path("<slug:kind>/", views.import_upload, name="upload"),
    path("<slug:kind>/template/", views.import_template, name="template"),
]
