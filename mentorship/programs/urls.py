from django.urls import path

from mentorship.pairings import matching_views
from mentorship.programs import views

app_name = "programs"

urlpatterns = [
    path("<int:program_id>/people/", views.people, name="people"),
    path(
        "<int:program_id>/people/<int:enrollment_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path(
        "<int:program_id>/people/<int:enrollment_id>/invite/",
        views.invite,
        name="invite",
    ),
    path(
        "<int:program_id>/people/<int:enrollment_id>/edit/",
        views.enrollment_edit,
        name="enrollment-edit",
    ),
    path("<int:program_id>/matching/", matching_views.matching_page, name="matching"),
    path(
        "<int:program_id>/matching/runs/<int:run_id>/progress/",
        matching_views.matching_progress,
        name="matching-progress",
    ),
    path(
        "<int:program_id>/matching/approve-all/",
        matching_views.approve_all,
        name="matching-approve-all",
    ),
    path(
        "<int:program_id>/proposals/<int:pairing_id>/",
        matching_views.proposal_detail,
        name="proposal",
    ),
]
