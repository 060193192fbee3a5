from django.urls import path

from mentorship.pairings import matching_views
from mentorship.programs import program_views, views

app_name = "programs"

urlpatterns = [
    path("", program_views.program_list, name="list"),
    path("new/", program_views.program_new, name="new"),
    path("<int:program_id>/", program_views.program_detail, name="detail"),
    path("<int:program_id>/edit/", program_views.program_edit, name="edit"),
    path("<int:program_id>/open/", program_views.program_open, name="open"),
    path("<int:program_id>/close/", program_views.program_close, name="close"),
    path("<int:program_id>/copy/", program_views.program_copy, name="copy"),
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
