from django.urls import path

from mentorship.pairings import matching_views, views

app_name = "pairings"

urlpatterns = [
    path("<int:pairing_id>/", views.pairing_detail, name="detail"),
    path("request-a-mentor/", views.mentor_request, name="mentor-request"),
    path("<int:pairing_id>/feedback/", views.pairing_feedback, name="feedback"),
    path("<int:pairing_id>/manage/", views.pairing_manage, name="manage"),
    path("<int:pairing_id>/rematch/", matching_views.rematch, name="rematch"),
    path("email/<str:token>/", views.email_action, name="email-action"),
    path(
        "milestones/<int:milestone_id>/<str:action>/",
        views.milestone_action,
        name="milestone-action",
    ),
]
