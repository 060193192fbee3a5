"""Program health for HR and program admins: numbers about structure, never
about what anyone wrote. A fixed number of queries whatever the size: every
figure is one aggregate (or one annotated list) computed by the database.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncDate, TruncWeek

from mentorship.checkins.models import (
    Assessment,
    AssessmentOccasion,
    AssessmentRating,
    CheckIn,
    CheckInDay,
)
from mentorship.core.queries import subquery_count
from mentorship.insights.risk import AT_RISK_FROM, risk_score, risk_signals
from mentorship.pairings.models import (
    LIVE_PAIRING_STATUSES,
    Milestone,
    MilestoneStatus,
    MilestoneTally,
    Pairing,
    PairingOutcome,
    PairingQuerySet,
    PairingStatus,
    TallyState,
)
from mentorship.people.models import Competency, Department, Person
from mentorship.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, Program
from mentorship.programs.selectors import programs_administered_by

CHART_WEEKS = 12  # at least 5: the last 30 days are counted from the same rows
# The riskiest pairings listed on the dashboard.
AT_RISK_LISTED = 50


@dataclass(frozen=True)
class Filters:
    program: Program | None = None
    department: Department | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def programs_for_insights(viewer: Person) -> QuerySet[Program]:
    return programs_administered_by(viewer).order_by("name")


def _pairings(viewer: Person, filters: Filters) -> PairingQuerySet:
    pairings = Pairing.objects.visible_to_participants().filter(
        program__in=programs_for_insights(viewer).values("pk")
    )
    if filters.program is not None:
        pairings = pairings.filter(program=filters.program)
    if filters.department is not None:
        pairings = pairings.filter(mentee__department=filters.department)
    if filters.until is not None:
        pairings = pairings.filter(starts_on__lte=filters.until)
    if filters.since is not None:
        pairings = pairings.filter(Q(ends_on__gte=filters.since) | Q(ends_on__isnull=True))
    return pairings


@dataclass(frozen=True)
class Completion:
    label: str
    on_time: int = 0
    late: int = 0
    open: int = 0
    overdue: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.open + self.overdue + self.skipped

    @property
    def done_share(self) -> float:
        due = self.total - self.open
        return (self.on_time + self.late) / due if due else 0.0


@dataclass(frozen=True)
class Week:
    week: dt.date  # its Monday
    checkins: int


@dataclass(frozen=True)
class DaySpan:
    from_day: int  # days into the pairing, in 15-day steps
    done_share: float
    due: int


@dataclass(frozen=True)
class Risk:
    pairing: Pairing
    score: int
    reasons: list[str]


@dataclass(frozen=True)
class MentorLoad:
    mentor: str
    pairings: int
    capacity: int


@dataclass(frozen=True)
class Confidence:
    competency: str
    day0_mentees: int
    day0: float | None
    latest_mentees: int
    latest: float | None
    # Mentees in cells under the threshold: in no figure, whatever the filters.
    day0_left_out: int = 0
    latest_left_out: int = 0


@dataclass
class Health:
    today: dt.date
    statuses: dict[str, int] = field(default_factory=dict)
    checkins_30_days: int = 0
    median_days_since_checkin: float | None = None
    completion: Completion = field(default_factory=lambda: Completion("All"))
    completion_by_competency: list[Completion] = field(default_factory=list)
    completion_by_day: list[DaySpan] = field(default_factory=list)
    unmatched_mentees: int = 0
    # Of the mentees without a mentor, those with a proposal to approve.
    proposed_mentees: int = 0
    mentor_load: list[MentorLoad] = field(default_factory=list)
    confidence: list[Confidence] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    checkins_per_week: list[Week] = field(default_factory=list)
    at_risk: list[Risk] = field(default_factory=list)
    at_risk_total: int = 0
    minimum_group: int = 5

    @property
    def live(self) -> int:
        return sum(self.statuses.get(status, 0) for status in LIVE_PAIRING_STATUSES)

    @property
    def outcomes_labelled(self) -> list[tuple[str, int]]:
        return [(PairingOutcome(key).label, n) for key, n in sorted(self.outcomes.items())]

    @property
    def checkins_per_live_pairing(self) -> float:
        return self.checkins_30_days / self.live if self.live else 0.0


def _completion(label: str, row: dict[str, Any]) -> Completion:
    return Completion(
        label=label,
        on_time=row["on_time"],
        late=row["late"],
        open=row["open"],
        overdue=row["overdue"],
        skipped=row["skipped"],
    )


def _completion_figures(
    health: Health, viewer: Person, filters: Filters, pairings: PairingQuerySet
) -> None:
    """Completion per competency, overall, and over the 90 days (by how many
    days into the pairing a milestone is due, in 15-day steps): one pass,
    grouped by competency and day offset (a plan has a few dozen of each),
    summed both ways here.

    A whole program, or all of the viewer's programs, is read from the
    milestone tallies (``MilestoneTally``, pairings/summaries.py): a tenth of
    the rows. A department or a date range picks pairings the tallies cannot
    tell apart, so those views aggregate the chosen pairings' milestones."""
    rows: Iterable[dict[str, Any]]
    if filters.department is None and filters.since is None and filters.until is None:
        rows = _completion_from_tallies(viewer, filters, health.today)
    else:
        rows = _completion_from_milestones(pairings, health.today)
    keys = ("on_time", "late", "open", "overdue", "skipped")
    by_competency: dict[str | None, dict[str, int]] = {}
    buckets: dict[int, list[int]] = {}
    for values in rows:
        row: dict[str, Any] = dict(values)
        counts = by_competency.setdefault(row["competency__name"], dict.fromkeys(keys, 0))
        for key in keys:
            counts[key] += row[key]
        if row["due"]:
            bucket = buckets.setdefault(max(row["offset_days"], 0) // 15 * 15, [0, 0])
            bucket[0] += row["due_done"]
            bucket[1] += row["due"]
    # By name; milestones with no competency last.
    names = sorted(by_competency, key=lambda name: (name is None, name or ""))
    health.completion_by_competency = [
        _completion(name or "No competency", by_competency[name]) for name in names
    ]
    health.completion = _completion(
        "All", {key: sum(counts[key] for counts in by_competency.values()) for key in keys}
    )
    health.completion_by_day = [
        DaySpan(start, round(done / total, 3) if total else 0.0, total)
        for start, (done, total) in sorted(buckets.items())
    ]


def _completion_from_milestones(
    pairings: PairingQuerySet, today: dt.date
) -> Iterable[dict[str, Any]]:
    due = Q(due_on__lt=today)
    done = Q(status=MilestoneStatus.DONE)
    # Closed on the day it was due or before, that day in UTC (as the tallies count it).
    closed_on = TruncDate("completed_at", tzinfo=dt.UTC)
    offset = ExpressionWrapper(F("due_on") - F("pairing__starts_on"), output_field=DurationField())
    for row in (
        Milestone.objects.filter(pairing__in=pairings)
        .annotate(closed_on=closed_on)
        .values("competency__name", offset=offset)
        .annotate(
            on_time=Count("pk", filter=done & Q(closed_on__lte=F("due_on"))),
            late=Count("pk", filter=done & Q(closed_on__gt=F("due_on"))),
            open=Count("pk", filter=Q(status=MilestoneStatus.OPEN, due_on__gte=today)),
            overdue=Count("pk", filter=Q(status=MilestoneStatus.OPEN) & due),
            skipped=Count("pk", filter=Q(status=MilestoneStatus.SKIPPED)),
            due=Count("pk", filter=due),
            due_done=Count("pk", filter=due & done),
        )
        .order_by()
    ):
        values: dict[str, Any] = dict(row)
        offset_value = values.pop("offset")
        yield {**values, "offset_days": offset_value.days if offset_value is not None else 0}


def _completion_from_tallies(
    viewer: Person, filters: Filters, today: dt.date
) -> Iterable[dict[str, Any]]:
    programs = programs_for_insights(viewer)
    if filters.program is not None:
        programs = programs.filter(pk=filters.program.pk)
    due = Q(due_on__lt=today)

    def total(condition: Q) -> Coalesce:
        return Coalesce(Sum("milestones", filter=condition), 0)

    rows = list(
        MilestoneTally.objects.filter(program__in=programs.values("pk"))
        .values("competency_key", "offset_days")
        .annotate(
            on_time=total(Q(state=TallyState.ON_TIME)),
            late=total(Q(state=TallyState.LATE)),
            open=total(Q(state=TallyState.OPEN, due_on__gte=today)),
            overdue=total(Q(state=TallyState.OPEN) & due),
            skipped=total(Q(state=TallyState.SKIPPED)),
            due=total(due),
            due_done=total(due & Q(state__in=(TallyState.ON_TIME, TallyState.LATE))),
        )
        .order_by()
    )
    names = dict(
        Competency.objects.filter(pk__in={row["competency_key"] for row in rows}).values_list(
            "pk", "name"
        )
    )
    for row in rows:
        values: dict[str, Any] = dict(row)
        key = values.pop("competency_key")
        yield {**values, "competency__name": names.get(key)}


@dataclass
class _Tally:
    mentees: int = 0
    ratings: int = 0
    total: int = 0
    left_out: int = 0


# The cells every confidence figure is made of: one program's mentees of one
# department (see _confidence).
CELL = ("competency__name", "assessment__pairing__program", "assessment__mentee__department")


def _confidence(health: Health, viewer: Person, filters: Filters) -> None:
    """Mean self-ratings, made so that no choice of filters can single out
    anyone's rating by subtraction.

    The ratings fall into fixed cells: a program × the mentee's department.
    A cell of fewer than ``minimum_group`` mentees is left out of *every*
    figure, and the date filters do not apply here: so every figure the
    filters can produce is a sum over whole cells of at least the threshold,
    and the most any combination of figures can give away is one such
    cell's mean. (Dates would cut cells by when each pairing ran, and two
    ranges a day apart would then differ by one mentee.)"""
    cohort = _pairings(viewer, Filters(program=filters.program, department=filters.department))
    ratings = AssessmentRating.objects.filter(assessment__pairing__in=cohort)
    newest = Assessment.objects.filter(pairing=OuterRef("assessment__pairing")).order_by(
        "-taken_on", "-created_at"
    )
    minimum = health.minimum_group

    def figures(rows: QuerySet[AssessmentRating]) -> dict[str, tuple[int, float | None, int]]:
        """competency → (mentees counted, their mean or None, mentees left out)."""
        cells = (
            rows.values(*CELL)
            .annotate(
                mentees=Count("assessment__mentee", distinct=True),
                ratings=Count("pk"),
                total=Sum("score"),
            )
            .order_by()
        )
        tally: dict[str, _Tally] = {}
        for cell in cells:
            counts = tally.setdefault(cell["competency__name"], _Tally())
            if cell["mentees"] >= minimum:
                counts.mentees += cell["mentees"]
                counts.ratings += cell["ratings"]
                counts.total += cell["total"] or 0
            else:
                counts.left_out += cell["mentees"]
        return {
            name: (
                t.mentees,
                round(t.total / t.ratings, 2) if t.ratings else None,
                t.left_out,
            )
            for name, t in tally.items()
        }

    day0 = figures(ratings.filter(assessment__occasion=AssessmentOccasion.DAY_0))
    latest = figures(ratings.filter(assessment=Subquery(newest.values("pk")[:1])))
    for name in sorted(set(day0) | set(latest)):
        day0_n, day0_mean, day0_out = day0.get(name, (0, None, 0))
        latest_n, latest_mean, latest_out = latest.get(name, (0, None, 0))
        health.confidence.append(
            Confidence(name, day0_n, day0_mean, latest_n, latest_mean, day0_out, latest_out)
        )


def _checkins_by_week(
    viewer: Person, filters: Filters, pairings: PairingQuerySet, today: dt.date
) -> tuple[dict[dt.date, int], int]:
    """Check-ins per week over the chart's weeks (by Monday), and how many
    in the last 30 days, in one pass (the chart reaches further back).

    A whole program, or all of the viewer's programs, is read from the
    per-program daily counts (``CheckInDay``): at most 84 rows a program,
    however many check-ins. A department or a date range picks pairings
    the daily counts cannot tell apart, so those views count the chosen
    pairings' check-ins themselves."""
    start = today - dt.timedelta(weeks=CHART_WEEKS)
    month_ago = today - dt.timedelta(days=30)
    rows: QuerySet[Any, tuple[dt.date, int, int]]
    if filters.department is None and filters.since is None and filters.until is None:
        programs = programs_for_insights(viewer)
        if filters.program is not None:
            programs = programs.filter(pk=filters.program.pk)
        recent = Q(day__gt=month_ago, day__lte=today)
        rows = (
            CheckInDay.objects.filter(program__in=programs.values("pk"), day__gt=start)
            .annotate(week=TruncWeek("day"))
            .values_list("week")
            .annotate(
                n=Coalesce(Sum("checkins"), 0), recent=Coalesce(Sum("checkins", filter=recent), 0)
            )
            .order_by()
        )
    else:
        recent = Q(occurred_on__gt=month_ago, occurred_on__lte=today)
        rows = (
            CheckIn.objects.filter(pairing__in=pairings, occurred_on__gt=start)
            .annotate(week=TruncWeek("occurred_on"))
            .values_list("week")
            .annotate(n=Count("pk"), recent=Count("pk", filter=recent))
            .order_by()
        )
    weeks: dict[dt.date, int] = {}
    in_30_days = 0
    for week, n, in_recent in rows:
        weeks[week] = n
        in_30_days += in_recent
    return weeks, in_30_days


def program_health(viewer: Person, filters: Filters, *, today: dt.date) -> Health:
    health = Health(today=today, minimum_group=settings.SCAFFOLD_MIN_AGGREGATE_GROUP)
    pairings = _pairings(viewer, filters)
    health.statuses = dict(pairings.values_list("status").annotate(n=Count("pk")).order_by())
    weeks, health.checkins_30_days = _checkins_by_week(viewer, filters, pairings, today)
    monday = today - dt.timedelta(days=today.weekday())
    health.checkins_per_week = [
        Week(week, weeks.get(week, 0))
        for week in (monday - dt.timedelta(weeks=n) for n in range(CHART_WEEKS - 1, -1, -1))
    ]
    _completion_figures(health, viewer, filters, pairings)
    _confidence(health, viewer, filters)
    health.outcomes = dict(
        pairings.closed()
        .exclude(outcome="")
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )

    programs = programs_for_insights(viewer)
    if filters.program is not None:
        programs = programs.filter(pk=filters.program.pk)
    enrollments = Enrollment.objects.filter(
        program__in=programs.values("pk"), status=EnrollmentStatus.ACTIVE
    )
    mentees = enrollments.filter(role=EnrollmentRole.MENTEE)
    mentors = enrollments.filter(role=EnrollmentRole.MENTOR)
    if filters.department is not None:
        # The filter is the mentee's department: its mentees, and the mentors
        # of its mentees (wherever the mentors themselves work).
        mentees = mentees.filter(person__department=filters.department)
        mentors = mentors.filter(
            Exists(
                Pairing.objects.live().filter(
                    program=OuterRef("program"),
                    mentor=OuterRef("person"),
                    mentee__department=filters.department,
                )
            )
        )

    # Without a mentor: no approved pairing yet. A proposal waiting for
    # approval is not a mentor; those mentees are counted apart as well.
    def pairing_of_mentee(pairings: PairingQuerySet) -> Exists:
        return Exists(pairings.filter(program=OuterRef("program"), mentee=OuterRef("person")))

    waiting = mentees.exclude(
        pairing_of_mentee(Pairing.objects.paired().exclude(status=PairingStatus.PROPOSED))
    ).aggregate(
        total=Count("pk"),
        proposed=Count(
            "pk", filter=Q(pairing_of_mentee(Pairing.objects.filter(status=PairingStatus.PROPOSED)))
        ),
    )
    health.unmatched_mentees = waiting["total"]
    health.proposed_mentees = waiting["proposed"]
    loads = (
        mentors.annotate(
            live=subquery_count(
                Pairing.objects.live().filter(
                    program=OuterRef("program"), mentor=OuterRef("person")
                ),
                "mentor",
            ),
            slots=Coalesce("capacity", F("person__default_mentor_capacity")),
        )
        .values_list("person__full_name", "live", "slots")
        .order_by("-live", "person__full_name")
    )
    health.mentor_load = [MentorLoad(name, live, slots or 0) for name, live, slots in loads]

    live = risk_signals(pairings, today=today)
    # A pairing whose first day is still ahead has no quiet days to count.
    days = [
        (today - (p.last_checkin or p.starts_on)).days
        for p in live
        if p.starts_on and p.starts_on <= today
    ]
    health.median_days_since_checkin = statistics.median(days) if days else None
    scored = [(pairing.pk, *risk_score(pairing, today)) for pairing in live]
    risky = sorted(
        ((score, pk, reasons) for pk, score, reasons in scored if score >= AT_RISK_FROM),
        key=lambda risk: (-risk[0], risk[1]),
    )
    health.at_risk_total = len(risky)
    listed = risky[:AT_RISK_LISTED]
    objects = Pairing.objects.select_related("program", "mentee", "mentor").in_bulk(
        [pk for _, pk, _ in listed]
    )
    health.at_risk = [Risk(objects[pk], score, reasons) for score, pk, reasons in listed]
    return health
