from django.urls import path

from mentorship.people import import_views

app_name = "imports"

urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("<int:import_id>/", import_views.detail, name="detail"),
    path("<int:import_id>/progress/", import_views.progress, name="progress"),
    path("<int:import_id>/commit/", import_views.commit, name="commit"),
]
