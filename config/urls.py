import sys

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from mentorship.agreements import api as agreements_api
from mentorship.checkins import api as checkins_api
from mentorship.core import metrics as core_metrics
from mentorship.core import views as core_views
from mentorship.core.api.docs import ApiDocsView
from mentorship.core.api.errors import json_error, json_not_found, json_server_error
from mentorship.core.views import DatabaseUnreachable, database_unavailable
from mentorship.feeds import api as feeds_api
from mentorship.home import views as home_views
from mentorship.insights import api as insights_api
from mentorship.notifications import api as notifications_api
from mentorship.pairings import api as pairings_api
from mentorship.pairings import matching_api
from mentorship.people import api as people_api
from mentorship.plans import api as plans_api
from mentorship.programs import api as programs_api
from mentorship.upward import api as upward_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("people/imports", people_api.PersonImportViewSet, basename="person-import")
router.register("people", people_api.PersonViewSet, basename="person")
router.register("departments", people_api.DepartmentViewSet, basename="department")
router.register("competencies", people_api.CompetencyViewSet, basename="competency")
router.register("programs", programs_api.ProgramViewSet, basename="program")
router.register("plans", plans_api.PlanViewSet, basename="plan")
router.register("enrollments", programs_api.EnrollmentViewSet, basename="enrollment")
router.register("auth/tokens", people_api.ApiTokenViewSet, basename="api-token")
router.register("milestones", pairings_api.MilestoneViewSet, basename="milestone")
router.register(
    "pairings/change-requests", pairings_api.ChangeRequestViewSet, basename="change-request"
)
router.register("pairings", pairings_api.PairingViewSet, basename="pairing")
router.register("matching/runs", matching_api.MatchingRunViewSet, basename="matching-run")
router.register("matching/proposals", matching_api.ProposalViewSet, basename="matching-proposal")
router.register("check-ins", checkins_api.CheckInViewSet, basename="check-in")
router.register("action-items", checkins_api.ActionItemViewSet, basename="action-item")
router.register("assessments", checkins_api.AssessmentViewSet, basename="assessment")
router.register("week-splits", checkins_api.WeekSplitViewSet, basename="week-split")
router.register("agreements", agreements_api.AgreementViewSet, basename="agreement")
router.register("upward-rounds", upward_api.UpwardRoundViewSet, basename="upward-round")
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")

api_v1 = [
    # The API's own address leads to its documentation.
    path("", RedirectView.as_view(pattern_name="api-docs"), name="api-root"),
    path("me/", people_api.MeView.as_view(), name="me"),
    path("me/data/", people_api.MyDataView.as_view(), name="me-data"),
    path(
        "me/email-preferences/",
        notifications_api.EmailPreferencesView.as_view(),
        name="me-email-preferences",
    ),
    path("auth/token/", people_api.TokenView.as_view(), name="auth-token"),
    path(
        "matching/recommendations/",
        matching_api.RecommendationsView.as_view(),
        name="matching-recommendations",
    ),
    path(
        "assessments/summary/",
        checkins_api.ConfidenceSummaryView.as_view(),
        name="assessments-summary",
    ),
    path("insights/", insights_api.InsightsView.as_view(), name="insights"),
    path("upward-cohorts/", upward_api.UpwardCohortView.as_view(), name="upward-cohort"),
    path("calendar-feed/", feeds_api.CalendarFeedView.as_view(), name="calendar-feed"),
    path("matching/requests/", matching_api.MentorRequestView.as_view(), name="matching-requests"),
    *router.urls,
]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("metrics", core_metrics.metrics, name="metrics"),
    path("account/", include("mentorship.people.urls")),
    path("people/import/", include("mentorship.people.imports.urls")),
    path("people/", include("mentorship.people.directory_urls")),
    path("pairings/", include("mentorship.pairings.urls")),
    path("", include("mentorship.checkins.urls")),
    path("", include("mentorship.feeds.urls")),
    path("plans/", include("mentorship.plans.urls")),
    path("programs/", include("mentorship.programs.urls")),
    path("", include("mentorship.insights.urls")),
    path("", include("mentorship.upward.urls")),
    path("", include("mentorship.agreements.urls")),
    path("mail/", include("mentorship.notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]


# Error pages. Web paths get the site's own pages (templates/400.html, 403,
# 404, 500: in its layout, a sentence and a way home); the API keeps its one
# JSON error shape (mentorship/core/api/errors.py).


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return json_error(request, 400, "invalid", "The request was not understood.")
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return json_error(request, 403, "permission_denied", "You may not do this.")
    return defaults.permission_denied(request, exception)


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return json_not_found(request)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    # Called while the exception is being handled: a database that cannot
    # be reached is an outage to wait out (503, Retry-After), not a bug.
    if isinstance(sys.exc_info()[1], DatabaseUnreachable):
        return database_unavailable(request)
    # defaults.server_error renders 500.html without the request: no
    # database, no session, no signed-in person is needed to show it.
    if _is_api(request):
        return json_server_error(request)
    return defaults.server_error(request)
