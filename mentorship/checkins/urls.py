from django.urls import path

from mentorship.checkins import views

app_name = "checkins"

urlpatterns = [
    path("pairings/<int:pairing_id>/check-ins/new/", views.checkin_new, name="new"),
    path("check-ins/<int:checkin_id>/edit/", views.checkin_edit, name="edit"),
    path("check-ins/<int:checkin_id>/private-note/", views.private_note, name="private-note"),
    path("action-items/<int:item_id>/done/", views.action_item_done, name="action-item-done"),
    path("pairings/<int:pairing_id>/self-assessment/", views.assessment_new, name="assess"),
    path("pairings/<int:pairing_id>/confidence/", views.confidence, name="confidence"),
    path("pairings/<int:pairing_id>/week/", views.week, name="week"),
    path("week/<str:token>/", views.week_from_email, name="week-from-email"),
    path("assessments/<int:assessment_id>/share/", views.assessment_share, name="assessment-share"),
]
