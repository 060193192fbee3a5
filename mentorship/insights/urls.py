from django.urls import path

from mentorship.insights import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.dashboard, name="dashboard"),
    path("programs/<int:program_id>/exports/", views.exports, name="exports"),
    path(
        "programs/<int:program_id>/exports/<slug:dataset>.<str:fmt>",
        views.export_download,
        name="export",
    ),
]
