"""Who reads what about check-ins, action items and self-assessments.

These are the product's privacy rules, and this module is the only place
that reads the tables they protect:

- **Private notes and reflections**: their author, and nobody else — not the
  partner, not HR, not a superuser. They are read only by the subqueries
  below, filtered on ``author = viewer``; nothing else joins their tables.
- **Shared notes, action items and the confidence pulse**: the pair. For
  anyone else the database hands back NULL in their place, so the text never
  reaches Python, let alone a template or a serializer.
- **That a check-in happened** (date, duration, kind, topics, who logged it):
  the pair, the program's admins and HR. Not the mentee's line manager.
- **Self-assessment ratings**: the mentee; their mentor when the mentee
  shares them; program admins and HR only as aggregates over at least
  ``SCAFFOLD_MIN_AGGREGATE_GROUP`` mentees.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.utils import timezone

from mentorship import access
from mentorship.checkins.models import (
    ActionItem,
    Assessment,
    AssessmentOccasion,
    AssessmentRating,
    CheckIn,
    CheckInPrivateNote,
    Reflection,
    WeekSplit,
)
from mentorship.pairings.models import (
    LIVE_PAIRING_STATUSES,
    VISIBLE_TO_PARTICIPANTS,
    Milestone,
    MilestoneStatus,
    Pairing,
)
from mentorship.people.models import Competency, Person
from mentorship.plans.models import StepKind
from mentorship.programs.models import Program

# How long the author of a check-in may still change it.
EDIT_WINDOW = dt.timedelta(days=7)


def checkin_pairings_for(viewer: Person) -> QuerySet[Pairing]:
    """Pairings whose check-ins the viewer may know about: their own (once
    approved), those of the programs they run, and all of them for HR."""
    own = Q(status__in=VISIBLE_TO_PARTICIPANTS) & access.own_pairings_q(viewer)
    return Pairing.objects.filter(access.administers_q(viewer, program="program_id") | own)


def checkins_visible_to(viewer: Person, *, related: bool = True) -> QuerySet[CheckIn]:
    """Check-ins the viewer may know about, each carrying only what the
    viewer may read:

    - ``readable_shared_notes``, ``readable_pulse``: the values for the pair,
      NULL for everyone else (the columns themselves are deferred);
    - ``own_private_note``: the viewer's own private note, if they wrote one;
    - ``readable_action_items`` / ``readable_closed_items``: the items added
      and ticked off in it, for the pair only;
    - ``viewer_in_pair``.

    With ``related=False`` the topics and the action items are left to
    ``attach_related``, once the page's rows are known.
    """
    in_pair = access.sees_shared_part_q(viewer)
    checkins = CheckIn.objects.all()
    if not access.is_hr(viewer):
        # HR's list is the whole table in the index's order; anyone else's
        # starts from their few pairings (a semi-join, by index).
        checkins = checkins.filter(pairing__in=checkin_pairings_for(viewer).values("pk"))
    checkins = (
        checkins.defer("shared_notes", "confidence_pulse")
        .select_related("pairing__program", "pairing__mentee", "pairing__mentor", "logged_by")
        .annotate(
            viewer_in_pair=Case(When(in_pair, then=Value(True)), default=Value(False)),
            readable_shared_notes=Case(
                When(in_pair, then=F("shared_notes")), default=None, output_field=TextField()
            ),
            readable_pulse=Case(
                When(in_pair, then=F("confidence_pulse")),
                default=None,
                output_field=IntegerField(),
            ),
            own_private_note=Subquery(
                CheckInPrivateNote.objects.filter(checkin=OuterRef("pk"), author=viewer).values(
                    "body"
                )[:1],
                output_field=TextField(),
            ),
        )
    )
    if not related:
        return checkins
    items = _pair_items(viewer)
    return checkins.prefetch_related(
        Prefetch("topics", queryset=Competency.objects.order_by("name", "pk")),
        Prefetch("action_items", queryset=items, to_attr="readable_action_items"),
        Prefetch("closed_action_items", queryset=items, to_attr="readable_closed_items"),
    )


def _pair_items(viewer: Person) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(access.sees_shared_part_q(viewer))
        .select_related("owner")
        .order_by("created_at", "pk")
    )


def attach_related(viewer: Person, checkins: list[CheckIn]) -> None:
    """For check-ins read with ``related=False``: ``listed_topics`` (one
    query of plain values, cheaper than a prefetch of whole rows), and
    ``readable_action_items`` / ``readable_closed_items`` (one query for
    the rows the viewer is one of the pair of, none at all when there are
    none: HR's pages of the whole company)."""
    _attach_topics(checkins)
    _attach_pair_items(viewer, checkins)


def _attach_topics(checkins: list[CheckIn]) -> None:
    topics: dict[int, list[Competency]] = {}
    for checkin in checkins:
        topics[checkin.pk] = []
        checkin.listed_topics = topics[checkin.pk]  # type: ignore[attr-defined]
    if not checkins:
        return
    rows = (
        CheckIn.topics.through.objects.filter(checkin_id__in=topics)
        .order_by("competency__name", "competency_id")
        .values_list("checkin_id", "competency_id", "competency__slug", "competency__name")
    )
    for checkin_id, pk, slug, name in rows:
        topics[checkin_id].append(Competency(pk=pk, slug=slug, name=name))


# What an action item shows: its columns but the last change, and of its
# owner the name and address (not the whole account row).
ITEM_FIELDS = (
    "pairing",
    "created_in",
    "text",
    "owner",
    "due_on",
    "done_at",
    "done_in",
    "created_at",
)


def _attach_pair_items(viewer: Person, checkins: list[CheckIn]) -> None:
    added: dict[int, list[ActionItem]] = {}
    closed: dict[int, list[ActionItem]] = {}
    for checkin in checkins:
        added[checkin.pk], closed[checkin.pk] = [], []
        checkin.readable_action_items = added[checkin.pk]  # type: ignore[attr-defined]
        checkin.readable_closed_items = closed[checkin.pk]  # type: ignore[attr-defined]
    # The check-ins the viewer is one of the pair of (``viewer_in_pair`` is
    # the selector's privacy rule, evaluated by the database), and their
    # pairings: an item added or ticked off in one is that pairing's.
    theirs = {c.pk: c.pairing_id for c in checkins if getattr(c, "viewer_in_pair", False)}
    if not theirs:
        return
    # Bounded by the page's range of ids rather than by a list of fifty (the
    # ORM spends longer building an IN list than the database reading it);
    # the loop below keeps exactly the page's.
    low, high = min(theirs), max(theirs)
    items = (
        ActionItem.objects.filter(pairing_id__in=set(theirs.values()))
        .filter(
            Q(created_in__gte=low, created_in__lte=high) | Q(done_in__gte=low, done_in__lte=high)
        )
        .select_related("owner")
        .only(*ITEM_FIELDS, "owner__full_name", "owner__email")
        .order_by("created_at", "pk")
    )
    for item in items:
        if item.created_in_id in theirs:
            added[item.created_in_id].append(item)
        if item.done_in_id in theirs:
            closed[item.done_in_id].append(item)


def checkin_editable_by(viewer: Person, checkin: CheckIn, *, now: dt.datetime) -> bool:
    return (
        checkin.logged_by_id == viewer.pk
        and now - checkin.created_at <= EDIT_WINDOW
        and checkin.pairing.is_live
    )


def action_items_visible_to(viewer: Person) -> QuerySet[ActionItem]:
    """Action items of the viewer's own pairings: their text is the pair's."""
    return ActionItem.objects.filter(
        access.sees_shared_part_q(viewer), pairing__status__in=VISIBLE_TO_PARTICIPANTS
    ).select_related("owner", "pairing")


def action_items_to_do(viewer: Person) -> QuerySet[ActionItem]:
    """The viewer's own open action items in their live pairings, the
    earliest due first (those without a date last)."""
    return (
        action_items_visible_to(viewer)
        .filter(owner=viewer, done_at__isnull=True, pairing__status__in=LIVE_PAIRING_STATUSES)
        .select_related("pairing__mentee", "pairing__mentor")
        .order_by(F("due_on").asc(nulls_last=True), "created_at", "pk")
    )


def with_last_checkin(pairings: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """Each pairing with the day of its latest check-in (``last_checkin``)."""
    return pairings.annotate(last_checkin=Max("checkins__occurred_on"))


def open_action_items(viewer: Person, pairing: Pairing) -> list[ActionItem]:
    """What the next check-in form carries over: the pair's open items."""
    return list(
        action_items_visible_to(viewer)
        .filter(pairing=pairing, done_at__isnull=True)
        .order_by(F("due_on").asc(nulls_last=True), "created_at")
    )


def week_splits_visible_to(viewer: Person) -> QuerySet[WeekSplit]:
    """Week splits of the viewer's own approved pairings: the pair's to
    read (the mentee's to write). HR and program admins read none."""
    return WeekSplit.objects.filter(
        access.sees_shared_part_q(viewer), pairing__status__in=VISIBLE_TO_PARTICIPANTS
    )


def assessments_visible_to(viewer: Person) -> QuerySet[Assessment]:
    """The mentee's own self-assessments, and those a mentee shared with the
    viewer as their mentor. ``own_reflection`` is the viewer's own
    reflection: a mentor reading a shared assessment gets NULL."""
    return (
        Assessment.objects.filter(access.sees_ratings_q(viewer))
        .select_related("pairing__program", "pairing__mentee", "pairing__mentor", "milestone")
        .annotate(
            own_reflection=Subquery(
                Reflection.objects.filter(assessment=OuterRef("pk"), author=viewer).values("body")[
                    :1
                ],
                output_field=TextField(),
            ),
            by_viewer=Case(When(mentee=viewer, then=Value(True)), default=Value(False)),
        )
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=AssessmentRating.objects.select_related("competency").order_by(
                    "competency__name"
                ),
            )
        )
    )


def pairings_of_pair(viewer: Person) -> QuerySet[Pairing]:
    """The viewer's own pairings, as mentor or mentee, once approved."""
    return (
        Pairing.objects.visible_to_participants()
        .filter(access.member_q(viewer))
        .select_related("program", "mentee", "mentor")
    )


@dataclass(frozen=True)
class HistoryEntry:
    # The day it happened, as the viewer counts days: a check-in's own date,
    # or the local date (in the viewer's zone) a milestone was closed.
    on: dt.date
    # The instant it was recorded: orders what happened on the same day.
    at: dt.datetime
    checkin: CheckIn | None = None
    milestone: Milestone | None = None
    editable: bool = False


def pairing_history(
    viewer: Person, pairing: Pairing, closed_milestones: list[Milestone], *, now: dt.datetime
) -> list[HistoryEntry]:
    """The pairing page's timeline: check-ins (as much of them as the viewer
    may read) and closed milestones together, newest first: by day in the
    viewer's own zone, then by the moment each was recorded."""
    zone = ZoneInfo(viewer.time_zone)
    entries = [
        HistoryEntry(
            on=checkin.occurred_on,
            at=checkin.created_at,
            checkin=checkin,
            editable=checkin_editable_by(viewer, checkin, now=now),
        )
        for checkin in checkins_visible_to(viewer).filter(pairing=pairing)
    ]
    for milestone in closed_milestones:
        closed_at = milestone.completed_at or milestone.updated_at
        entries.append(
            HistoryEntry(on=timezone.localdate(closed_at, zone), at=closed_at, milestone=milestone)
        )
    return sorted(entries, key=lambda entry: (entry.on, entry.at), reverse=True)


# --------------------------------------------------------------------------
# Scheduled self-assessments

SCHEDULED_OFFSETS = {
    0: AssessmentOccasion.DAY_0,
    30: AssessmentOccasion.DAY_30,
    60: AssessmentOccasion.DAY_60,
    90: AssessmentOccasion.DAY_90,
}
# A plan may move an assessment a little; further than this it is not "day 30".
OCCASION_SLACK_DAYS = 15
# The occasions whose prompt asks why they want the role, and whether that changed.
REFLECTION_OCCASIONS = (AssessmentOccasion.DAY_0, AssessmentOccasion.DAY_90)


def occasion_of(milestone: Milestone, starts_on: dt.date | None) -> str:
    """Which scheduled self-assessment an assessment step of the plan is."""
    if starts_on is None:
        return AssessmentOccasion.AD_HOC
    offset = (milestone.due_on - starts_on).days
    nearest = min(SCHEDULED_OFFSETS, key=lambda day: abs(day - offset))
    if abs(nearest - offset) > OCCASION_SLACK_DAYS:
        return AssessmentOccasion.AD_HOC
    return SCHEDULED_OFFSETS[nearest]


def scheduled_assessments(pairing: Pairing) -> dict[str, Milestone]:
    """Occasion → the plan step (milestone) that schedules it."""
    found: dict[str, Milestone] = {}
    steps = pairing.milestones.filter(kind=StepKind.ASSESSMENT).order_by("due_on", "position")
    for milestone in steps:
        occasion = occasion_of(milestone, pairing.starts_on)
        if occasion != AssessmentOccasion.AD_HOC:
            found.setdefault(occasion, milestone)
    return found


def next_assessment_due(pairing: Pairing, *, today: dt.date) -> tuple[str, Milestone] | None:
    """The scheduled self-assessment to take now: the earliest open one that
    is due within a week (or already late)."""
    for occasion, milestone in sorted(
        scheduled_assessments(pairing).items(), key=lambda item: item[1].due_on
    ):
        if milestone.status == MilestoneStatus.OPEN and milestone.due_on <= today + dt.timedelta(
            days=7
        ):
            return occasion, milestone
    return None


def plan_competencies(pairing: Pairing) -> list[Competency]:
    """The competencies a mentee rates: those of the pairing's plan (all of
    them when the plan names none)."""
    used = Competency.objects.filter(
        Exists(Milestone.objects.filter(pairing=pairing, competency=OuterRef("pk")))
    ).order_by("name")
    return list(used) or list(Competency.objects.order_by("name"))


# --------------------------------------------------------------------------
# Confidence over time


@dataclass(frozen=True)
class Point:
    taken_on: dt.date
    score: int
    occasion: str


def confidence_series(assessments: list[Assessment]) -> dict[str, list[Point]]:
    """Competency name → the ratings over time, oldest first."""
    series: dict[str, list[Point]] = defaultdict(list)
    for assessment in sorted(assessments, key=lambda a: (a.taken_on, a.created_at)):
        for rating in assessment.ratings.all():
            series[rating.competency.name].append(
                Point(assessment.taken_on, rating.score, assessment.occasion)
            )
    return dict(sorted(series.items()))


@dataclass(frozen=True)
class CompetencyConfidence:
    competency: str
    mentees: int
    # Means over the group; None when the group is too small to show.
    first: float | None
    latest: float | None
    # Mentees in departments of the program under the threshold: in no figure.
    left_out: int = 0

    @property
    def suppressed(self) -> bool:
        return self.first is None


def confidence_aggregate(viewer: Person, program: Program) -> list[CompetencyConfidence]:
    """Mean self-rated confidence per competency over a program's mentees:
    each mentee's first rating against their latest. Only for the program's
    admins and HR, and made of the same fixed cells as the insights
    dashboard (the program's mentees of one department): a cell under the
    threshold is left out, so that this figure set against the dashboard's
    cannot single anyone out (``insights.selectors._confidence``)."""
    if not access.administers(viewer, program):
        return []
    minimum = settings.SCAFFOLD_MIN_AGGREGATE_GROUP
    rows = (
        AssessmentRating.objects.filter(assessment__pairing__program=program)
        .order_by("assessment__taken_on", "assessment__created_at")
        .values_list(
            "competency__name",
            "assessment__mentee__department_id",
            "assessment__mentee_id",
            "score",
        )
    )
    # competency → department → mentee → score
    first: dict[str, dict[int | None, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    latest: dict[str, dict[int | None, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for name, department_id, mentee_id, score in rows.iterator(chunk_size=5000):
        first[name][department_id].setdefault(mentee_id, score)
        latest[name][department_id][mentee_id] = score
    result = []
    for name in sorted(first):
        cells = [d for d, mentees in first[name].items() if len(mentees) >= minimum]
        counted = [score for d in cells for score in first[name][d].values()]
        now = [score for d in cells for score in latest[name][d].values()]
        mentees = len(counted)
        result.append(
            CompetencyConfidence(
                competency=name,
                mentees=mentees,
                first=round(sum(counted) / mentees, 2) if mentees else None,
                latest=round(sum(now) / mentees, 2) if mentees else None,
                left_out=sum(len(m) for m in first[name].values()) - mentees,
            )
        )
    return result
