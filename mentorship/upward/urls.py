from django.urls import path

from mentorship.upward import views

app_name = "upward"

urlpatterns = [
    path("feedback/answer/", views.answer, name="answer"),
    path("feedback/<str:token>/", views.respond, name="respond"),
    path("pairings/<int:pairing_id>/upward-feedback/", views.pairing_rounds, name="pairing"),
    path("upward-feedback/rounds/<int:round_id>/share/", views.round_share, name="share"),
    path("upward-feedback/rounds/<int:round_id>/focus/", views.round_focus, name="focus"),
    path("insights/upward-feedback/", views.cohort, name="cohort"),
]
