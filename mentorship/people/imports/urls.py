from django.urls import path

from mentorship.people.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:import_id>/", views.detail, name="detail"),
    path("<int:import_id>/progress/", views.progress, name="progress"),
    path("<int:import_id>/commit/", views.commit, name="commit"),
]
