"""Builds the demo company through the same services the product uses, so
the demo obeys every rule real data does.

Dates are relative to the day it runs: the demo always looks like a program
in full swing, whatever the calendar says.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from mentorship.agreements import services as agreements
from mentorship.agreements.models import ManagerAgreement
from mentorship.checkins.models import ActionItem, AssessmentOccasion, CheckIn
from mentorship.checkins.selectors import occasion_of, plan_competencies
from mentorship.checkins.services import (
    ActionItemSpec,
    Split,
    assessment_record,
    checkin_log,
    week_of,
    week_split_record,
)
from mentorship.checkins.summaries import summaries_rebuild
from mentorship.demo import content
from mentorship.pairings import matching
from mentorship.pairings import selectors as pairing_selectors
from mentorship.pairings.models import (
    MatchingRun,
    Milestone,
    MilestoneStatus,
    Pairing,
    PairingOutcome,
    PairingSource,
)
from mentorship.pairings.services.lifecycle import (
    pairing_activate,
    pairing_complete,
    pairing_end,
    pairing_pause,
    pairing_propose,
    pairing_rule_violations,
)
from mentorship.pairings.services.matching import matching_execute
from mentorship.pairings.services.milestones import milestone_complete, milestone_skip
from mentorship.pairings.summaries import tallies_rebuild
from mentorship.people.competencies import competencies_install
from mentorship.people.models import Competency, Department, Person
from mentorship.people.services import department_get_or_create, person_create
from mentorship.plans.default_plan import default_plan_install
from mentorship.plans.models import SELF_COMPLETING_STEPS, StepKind
from mentorship.programs.models import EnrollmentRole, Program
from mentorship.programs.services.enrollments import enrollment_create
from mentorship.programs.services.programs import program_activate, program_create
from mentorship.upward import services as upward
from mentorship.upward import statements as upward_statements

HR_EMAIL = content.HR_EMAIL
MENTOR_EMAIL = content.MENTOR_EMAIL
MENTEE_EMAIL = content.MENTEE_EMAIL


@dataclass
class Company:
    ceo: Person
    hr: Person
    mentor: Person
    mentee: Person
    experienced: list[Person] = field(default_factory=list)
    new_managers: list[Person] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)


@dataclass(frozen=True)
class Summary:
    people: int
    departments: int
    programs: int
    pairings: int
    milestones: int
    checkins: int


class DemoBuilder:
    def __init__(self, *, today: dt.date, seed: int = 2026) -> None:
        self.today = today
        self.rng = random.Random(seed)  # noqa: S311 -- demo data, not security
        competencies_install()
        self.competencies = {c.slug: c for c in Competency.objects.all()}
        self._names = self._name_pairs()

    # ------------------------------------------------------------------
    # Company

    def _name_pairs(self) -> Iterator[tuple[str, str]]:
        firsts, lasts = list(content.FIRST_NAMES), list(content.LAST_NAMES)
        self.rng.shuffle(firsts)
        self.rng.shuffle(lasts)
        for n in count():
            yield firsts[n % len(firsts)], lasts[(n * 7 + n // len(lasts)) % len(lasts)]

    def _person(
        self,
        *,
        department: Department | None,
        title: str,
        manager: Person | None,
        time_zone: str,
        managing_since_days: int | None = None,
        expertise: int = 0,
        name: tuple[str, str] | None = None,
        email: str | None = None,
        **extra: object,
    ) -> Person:
        first, last = name or next(self._names)
        email = email or f"{first}.{last}@example.com".lower()
        while Person.objects.filter(email=email).exists():
            first, last = next(self._names)
            email = f"{first}.{last}@example.com".lower()
        slugs = self.rng.sample(sorted(self.competencies), expertise) if expertise else []
        return person_create(
            email=email,
            full_name=f"{first} {last}",
            title=title,
            department=department,
            manager=manager,
            time_zone=time_zone,
            became_manager_on=(
                self.today - dt.timedelta(days=managing_since_days)
                if managing_since_days is not None
                else None
            ),
            expertise=[self.competencies[s] for s in slugs],
            **extra,  # type: ignore[arg-type]
        )

    def build_company(self) -> Company:
        ceo = self._person(
            department=None,
            title="Chief Executive Officer",
            manager=None,
            time_zone="America/New_York",
            managing_since_days=15 * 365,
            name=("Jordan", "Achebe"),
        )
        departments = {name: department_get_or_create(name=name) for name in content.DEPARTMENTS}
        heads: dict[str, Person] = {}
        for name, (zones, head_title) in content.DEPARTMENTS.items():
            heads[name] = self._person(
                department=departments[name],
                title=head_title,
                manager=ceo,
                time_zone=zones[0],
                managing_since_days=self.rng.randint(8, 14) * 365,
                expertise=4,
            )
        hr = self._person(
            department=departments["People"],
            title="People Programs Lead",
            manager=heads["People"],
            time_zone="Europe/Berlin",
            managing_since_days=6 * 365,
            name=("Harper", "Reyes"),
            email=HR_EMAIL,
            password=content.DEMO_PASSWORD,
            is_hr=True,
            is_staff=True,
        )
        hr.is_superuser = True
        hr.save(update_fields=["is_superuser"])

        company = Company(ceo=ceo, hr=hr, mentor=ceo, mentee=ceo)
        company.people = [ceo, hr, *heads.values()]

        for name, (zones, _) in content.DEPARTMENTS.items():
            experienced_title, new_title, ic_title = content.TITLES[name]
            department = departments[name]
            seniors = []
            for i in range(2):
                if name == "Product & Design" and i == 0:
                    senior = self._person(
                        department=department,
                        title="Director of Product",
                        manager=heads[name],
                        time_zone="Europe/Berlin",
                        managing_since_days=(self.today - dt.date(2017, 3, 1)).days,
                        expertise=0,
                        name=("Maya", "Okafor"),
                        email=MENTOR_EMAIL,
                        password=content.DEMO_PASSWORD,
                    )
                    senior.expertise.set(
                        [
                            self.competencies[s]
                            for s in (
                                "coaching-and-feedback",
                                "prioritization-and-delegation",
                                "conflict-resolution",
                                "managing-former-peers",
                            )
                        ]
                    )
                    company.mentor = senior
                else:
                    senior = self._person(
                        department=department,
                        title=experienced_title,
                        manager=heads[name],
                        time_zone=zones[i % len(zones)],
                        managing_since_days=self.rng.randint(4, 10) * 365,
                        expertise=self.rng.randint(3, 4),
                    )
                seniors.append(senior)
            company.experienced += seniors

            new_count = 3 if name in ("Engineering", "Customer Success") else 2
            for i in range(new_count):
                if name == "Engineering" and i == 0:
                    newbie = self._person(
                        department=department,
                        title="Engineering Manager",
                        manager=seniors[1],
                        time_zone="America/New_York",
                        managing_since_days=58,
                        name=("Sam", "Rivera"),
                        email=MENTEE_EMAIL,
                        password=content.DEMO_PASSWORD,
                    )
                    company.mentee = newbie
                else:
                    newbie = self._person(
                        department=department,
                        title=new_title,
                        manager=seniors[i % 2],
                        time_zone=zones[(i + 1) % len(zones)],
                        managing_since_days=self.rng.randint(15, 110),
                    )
                company.new_managers.append(newbie)
                company.people.append(newbie)
                # Enough reports for a round of upward feedback to show.
                for _ in range(4 if newbie is company.mentee else 3):
                    company.people.append(
                        self._person(
                            department=department,
                            title=ic_title,
                            manager=newbie,
                            time_zone=self.rng.choice(zones),
                        )
                    )
            company.people += seniors
        return company

    # ------------------------------------------------------------------
    # Programs

    def _season(self, day: dt.date) -> str:
        return {
            12: "winter",
            1: "winter",
            2: "winter",
            3: "spring",
            4: "spring",
            5: "spring",
            6: "summer",
            7: "summer",
            8: "summer",
        }.get(day.month, "autumn")

    def build_active_program(self, company: Company) -> Program:
        plan = default_plan_install(by=company.hr)
        starts_on = self.today - dt.timedelta(days=110)
        program = program_create(
            name=f"New managers — {self._season(starts_on)} {starts_on.year}",
            description="The company-wide cohort for people who became managers this year.",
            starts_on=starts_on,
            ends_on=self.today + dt.timedelta(days=120),
            plan=plan,
            admins=[company.hr],
            by=company.hr,
        )
        program_activate(program=program, by=company.hr)
        # Opened three weeks before its first day, as a real cohort would be.
        Program.objects.filter(pk=program.pk).update(
            opened_at=dt.datetime.combine(
                starts_on - dt.timedelta(days=21), dt.time(10, 0), tzinfo=dt.UTC
            )
        )

        others = [p for p in company.experienced if p.pk != company.mentor.pk]
        mentors = [company.mentor, *others[:8]]
        for mentor in mentors:
            enrollment_create(
                program=program, person=mentor, role=EnrollmentRole.MENTOR, by=company.hr
            )
        mentees = [company.mentee, *(p for p in company.new_managers if p.pk != company.mentee.pk)]
        focus_pool = sorted(self.competencies)
        for mentee in mentees:
            focus = self.rng.sample(focus_pool, 3)
            enrollment_create(
                program=program,
                person=mentee,
                role=EnrollmentRole.MENTEE,
                by=company.hr,
                focus_competencies=[self.competencies[s] for s in focus],
            )

        # (days since the pairing started, how it stands today)
        scenarios = [
            (52, "active"),  # the demo mentee: their team's first round is in
            (103, "completed"),
            (86, "active"),
            (75, "ended"),  # back to the individual-contributor track
            (62, "active"),  # still mostly individual work past day 45
            (55, "paused"),
            (55, "paused"),
            (33, "active"),
            (21, "active"),
            (9, "active"),
            (3, "active"),
        ]
        load: dict[int, int] = {}
        load[company.mentor.pk] = 1
        pairs: list[tuple[Person, Person]] = [
            (company.mentee, company.mentor),
            *(
                (mentee, self._pick_mentor(program, mentee, mentors, load))
                for mentee in mentees[1 : len(scenarios)]
            ),
        ]
        for (mentee, mentor), (days_ago, fate) in zip(pairs, scenarios, strict=True):
            self._run_pairing(
                program=program,
                company=company,
                mentee=mentee,
                mentor=mentor,
                days_ago=days_ago,
                fate=fate,
            )

        # The mentees still waiting get real proposals from a matching run,
        # for HR to review and approve.
        run = MatchingRun.objects.create(program=program, requested_by=company.hr)
        matching_execute(run=run)
        return program

    def _pick_mentor(
        self, program: Program, mentee: Person, mentors: list[Person], load: dict[int, int]
    ) -> Person:
        candidates = [
            m
            for m in mentors
            if load.get(m.pk, 0) < m.default_mentor_capacity
            and not pairing_rule_violations(program=program, mentee=mentee, mentor=m)
        ]
        candidates.sort(key=lambda m: (m.department_id == mentee.department_id, load.get(m.pk, 0)))
        chosen = candidates[0]
        load[chosen.pk] = load.get(chosen.pk, 0) + 1
        return chosen

    def _score(
        self, program: Program, mentee: Person, mentor: Person
    ) -> tuple[float | None, list[dict[str, object]]]:
        """The engine's own score and reasons for a pair HR chose by hand."""
        cohort = pairing_selectors.matching_cohort(program, mentee_ids={mentee.pk})
        candidate = next((m for m in cohort.mentors if m.id == mentor.pk), None)
        if not cohort.mentees or candidate is None:
            return None, []
        proposal = matching.score_pair(
            cohort.mentees[0], candidate, cohort.weights, cohort.competency_names
        )
        return proposal.score, [part.as_dict() for part in proposal.parts]

    def _run_pairing(
        self,
        *,
        program: Program,
        company: Company,
        mentee: Person,
        mentor: Person,
        days_ago: int,
        fate: str,
    ) -> Pairing:
        score, explanation = self._score(program, mentee, mentor)
        pairing = pairing_propose(
            program=program,
            mentee=mentee,
            mentor=mentor,
            by=company.hr,
            source=PairingSource.MANUAL,
            match_score=score,
            match_explanation=explanation,
        )
        starts_on = self.today - dt.timedelta(days=days_ago)
        pairing = pairing_activate(
            pairing=pairing,
            by=company.hr,
            starts_on=starts_on,
            when=dt.datetime.combine(starts_on, dt.time(10), tzinfo=dt.UTC),
        )
        history_until = {
            "completed": starts_on + dt.timedelta(days=program.pairing_length_days),
            "ended": self.today - dt.timedelta(days=12),
            "paused": self.today - dt.timedelta(days=14),
        }.get(fate, self.today - dt.timedelta(days=1))
        is_demo_pair = mentee.pk == company.mentee.pk
        self._upward_rounds(pairing, history_until, demo=is_demo_pair, quiet=days_ago == 55)
        self._agreement(pairing, history_until, demo=is_demo_pair, slow=days_ago == 21)
        self._milestones(
            pairing, history_until, complete_all=fate == "completed", demo=is_demo_pair
        )
        self._checkins(pairing, history_until, recent=is_demo_pair)
        self._weeks(pairing, history_until, stuck=days_ago == 62)
        if is_demo_pair:
            # Between the scheduled ones: so the demo mentee's chart has a line.
            taken_on = history_until - dt.timedelta(days=5)
            assessment_record(
                pairing=pairing,
                by=pairing.mentee,
                occasion=AssessmentOccasion.AD_HOC,
                ratings={
                    c: min(5, 3 + self.rng.randint(-1, 1)) for c in plan_competencies(pairing)
                },
                taken_on=taken_on,
                shared_with_mentor=True,
            )

        closed_at = dt.datetime.combine(history_until, dt.time(16), tzinfo=dt.UTC)
        if fate == "completed":
            pairing_complete(
                pairing=pairing,
                by=company.hr,
                outcome=PairingOutcome.STILL_MANAGING,
                when=closed_at,
            )
        elif fate == "ended":
            pairing_end(
                pairing=pairing,
                by=company.hr,
                reason=content.END_REASON,
                outcome=PairingOutcome.IC_TRACK,
                when=closed_at,
            )
        elif fate == "paused":
            pairing_pause(pairing=pairing, by=company.hr, reason=content.PAUSE_REASON)
        return pairing

    def _upward_rounds(self, pairing: Pairing, until: dt.date, *, demo: bool, quiet: bool) -> None:
        """Each upward feedback step up to ``until`` opens its round; the
        reports answer in the days after (all of them, but on a ``quiet``
        team, where two do and the round shows nothing), a little better in
        the second round; a round past its last day is closed. The demo
        mentee shares their round with their mentor and picks a focus."""
        steps = Milestone.objects.filter(
            pairing=pairing, kind=StepKind.UPWARD, due_on__lte=until
        ).order_by("due_on")
        for number, step in enumerate(steps, start=1):
            opened = dt.datetime.combine(step.due_on, dt.time(8), tzinfo=dt.UTC)
            round_ = upward.round_open(milestone=step, today=step.due_on, now=opened)
            invites = list(round_.invites.order_by("person__email"))
            answering = invites[:2] if quiet else invites
            if round_.closes_on >= self.today:
                answering = answering[:-1]  # still open: one has yet to answer
            # Each comment once per round, as different people would write.
            keeps = self.rng.sample(content.UPWARD_KEEP, len(answering))
            changes = self.rng.sample(content.UPWARD_CHANGE, len(answering))
            for offset, invite in enumerate(answering, start=1):
                day = min(until, step.due_on + dt.timedelta(days=offset))
                when = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
                base = 3 + 0.5 * (number - 1)
                upward.answer_record(
                    invite=invite,
                    scores={
                        key: max(1, min(5, round(base + self.rng.uniform(-1.2, 1.2))))
                        for key in upward_statements.KEYS
                    },
                    comments={
                        "keep": keeps[offset - 1],
                        "change": changes[offset - 1] if self.rng.random() < 0.7 else "",
                    },
                    now=when,
                )
            if round_.closes_on < self.today:
                closed = dt.datetime.combine(
                    round_.closes_on + dt.timedelta(days=1), dt.time(8), tzinfo=dt.UTC
                )
                round_ = upward.round_close(round_=round_, now=closed)
                if demo and number == 1:
                    upward.round_share(round_=round_, by=pairing.mentee, shared=True)
                    upward.round_set_focus(
                        round_=round_, by=pairing.mentee, keys=["trust", "feedback"]
                    )

    def _agreement(self, pairing: Pairing, until: dt.date, *, demo: bool, slow: bool) -> None:
        """The line manager is asked on the agreement step's day, writes it
        two days later, the mentee confirms the day after (on a ``slow``
        pairing it still waits for the mentee); the demo mentee shares it with
        their mentor. A review step reached is reviewed by the line manager."""
        asked = Milestone.objects.filter(
            pairing=pairing, kind=StepKind.AGREEMENT, due_on__lte=until
        ).first()
        if asked is None:
            return
        agreement = agreements.agreement_ask(pairing=pairing)
        if agreement is None or agreement.line_manager is None:
            return
        boss = agreement.line_manager
        ManagerAgreement.objects.filter(pk=agreement.pk).update(
            created_at=dt.datetime.combine(asked.due_on, dt.time(8), tzinfo=dt.UTC)
        )

        def at(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(min(day, until), dt.time(14), tzinfo=dt.UTC)

        success, decisions, handoffs = self.rng.choice(content.AGREEMENTS)
        agreement = agreements.agreement_write(
            agreement=agreement,
            by=boss,
            text=agreements.AgreementText(
                success, decisions, handoffs, handoffs_by=asked.due_on + dt.timedelta(days=30)
            ),
            when=at(asked.due_on + dt.timedelta(days=2)),
        )
        if slow:
            return
        agreement = agreements.agreement_confirm(
            agreement=agreement, by=pairing.mentee, when=at(asked.due_on + dt.timedelta(days=3))
        )
        if demo:
            agreements.agreement_share(agreement=agreement, by=pairing.mentee, shared=True)
        review = Milestone.objects.filter(
            pairing=pairing, kind=StepKind.AGREEMENT_REVIEW, due_on__lte=until
        ).first()
        if review is not None and review.due_on <= self.today:
            agreements.agreement_review(
                agreement=agreement,
                by=boss,
                answers={
                    "review_success": "done",
                    "review_decisions": "partly",
                    "review_handoffs": self.rng.choice(["done", "partly"]),
                },
                when=at(review.due_on + dt.timedelta(days=1)),
            )

    def _milestones(
        self, pairing: Pairing, until: dt.date, *, complete_all: bool, demo: bool
    ) -> None:
        due = list(
            Milestone.objects.filter(pairing=pairing, due_on__lte=until)
            .exclude(kind__in=SELF_COMPLETING_STEPS)  # done by their own flows
            .order_by("due_on", "position")
        )
        # The demo mentee has exactly one milestone overdue, so the page shows it.
        overdue_slot = len(due) - 2 if demo and len(due) > 2 else None
        for index, milestone in enumerate(due):
            roll = self.rng.random()
            if not complete_all and (index == overdue_slot or (not demo and roll < 0.15)):
                continue  # left open: overdue
            actor = pairing.mentor if milestone.owner == "mentor" else pairing.mentee
            done_on = min(until, milestone.due_on + dt.timedelta(days=self.rng.randint(-3, 4)))
            when = dt.datetime.combine(done_on, dt.time(15), tzinfo=dt.UTC)
            if milestone.kind == StepKind.ASSESSMENT:
                # Taking a scheduled self-assessment completes its step.
                self._assessment(pairing, milestone, done_on, when=when)
            elif roll > 0.95 and milestone.kind == StepKind.MILESTONE:
                milestone_skip(
                    milestone=milestone, by=actor, note="Not relevant for this team.", when=when
                )
            else:
                milestone_complete(milestone=milestone, by=actor, when=when)
        if not complete_all:
            return
        for milestone in Milestone.objects.filter(
            pairing=pairing, status=MilestoneStatus.OPEN
        ).exclude(kind__in=SELF_COMPLETING_STEPS):
            when = dt.datetime.combine(until, dt.time(15), tzinfo=dt.UTC)
            if milestone.kind == StepKind.ASSESSMENT:
                self._assessment(pairing, milestone, until, when=when)
            else:
                milestone_complete(milestone=milestone, by=pairing.mentee, when=when)

    def _assessment(
        self, pairing: Pairing, milestone: Milestone, taken_on: dt.date, *, when: dt.datetime
    ) -> None:
        assert pairing.starts_on is not None
        offset = (milestone.due_on - pairing.starts_on).days
        occasion = occasion_of(milestone, pairing.starts_on)
        growth = offset / 30
        ratings = {
            competency: max(1, min(5, round(2 + growth * 0.6 + self.rng.uniform(-0.8, 0.8))))
            for competency in plan_competencies(pairing)
        }
        assessment_record(
            pairing=pairing,
            by=pairing.mentee,
            occasion=occasion,
            ratings=ratings,
            taken_on=max(pairing.starts_on, min(taken_on, self.today - dt.timedelta(days=1))),
            when=when,
            shared_with_mentor=self.rng.random() < 0.7,
            reflection=(
                self.rng.choice(content.REFLECTIONS)
                if occasion in (AssessmentOccasion.DAY_0, AssessmentOccasion.DAY_90)
                else ""
            ),
        )

    def _checkins(self, pairing: Pairing, until: dt.date, *, recent: bool = False) -> None:
        """A check-in every 11 to 17 days, taking turns; with ``recent``, the
        last one within the week and the mentee's (the demo pair's, so the demo
        mentee can still edit it)."""
        assert pairing.starts_on is not None
        day = pairing.starts_on + dt.timedelta(days=self.rng.randint(1, 3))
        turn = 0
        last = None
        by_mentee = False
        while day <= until:
            by_mentee = turn % 2 == 0
            self._checkin(pairing, pairing.mentee if by_mentee else pairing.mentor, day)
            last = day
            turn += 1
            day += dt.timedelta(days=self.rng.randint(11, 17))
        if recent and (last is None or last < self.today - dt.timedelta(days=6) or not by_mentee):
            self._checkin(pairing, pairing.mentee, until)

    def _weeks(self, pairing: Pairing, until: dt.date, *, stuck: bool) -> None:
        """Where the mentee's weeks went, every week up to ``until``: from
        about two thirds individual work to a third over the 90 days; or,
        ``stuck``, 55-65 % throughout (HR's at-risk list says so past day
        45). Their own random numbers, so the rest of the demo stays as it
        was."""
        assert pairing.starts_on is not None
        rng = random.Random(f"weeks-{pairing.mentee.email}")  # noqa: S311 -- demo figures
        week = week_of(pairing.starts_on)
        while week <= until:
            progress = min(1.0, (week - pairing.starts_on).days / 90)
            individual = (
                round(
                    (rng.randint(55, 65) if stuck else 65 - 35 * progress + rng.randint(-5, 5)) / 5
                )
                * 5
            )
            people = round((100 - individual) * rng.uniform(0.45, 0.6) / 5) * 5
            direction = round((100 - individual - people) * rng.uniform(0.6, 0.85) / 5) * 5
            week_split_record(
                pairing=pairing,
                by=pairing.mentee,
                split=Split(individual, people, direction, 100 - individual - people - direction),
                on=max(week, pairing.starts_on),
            )
            week += dt.timedelta(days=7)

    def _checkin(self, pairing: Pairing, author: Person, day: dt.date) -> None:
        topics = sorted(content.SHARED_NOTES)
        topic_slugs = self.rng.sample(topics, self.rng.randint(1, 2))
        open_items = list(ActionItem.objects.filter(pairing=pairing, done_at__isnull=True))
        # New items differ from each other and from what is still open: a
        # real pair does not write the same to-do twice.
        still_open = {item.text for item in open_items}
        fresh = [text for text in content.ACTION_ITEMS if text not in still_open]
        new_items = self.rng.sample(fresh, min(len(fresh), self.rng.randint(1, 2)))
        # Notes this pair has not written yet, on the first topic if it has any left.
        written = set(
            CheckIn.objects.filter(pairing=pairing).values_list("shared_notes", flat=True)
        )
        unwritten = [n for n in content.SHARED_NOTES[topic_slugs[0]] if n not in written] or [
            n for notes in content.SHARED_NOTES.values() for n in notes if n not in written
        ]
        checkin = checkin_log(
            pairing=pairing,
            by=author,
            occurred_on=day,
            duration_minutes=self.rng.choice([30, 45, 45, 60, 60, 90]),
            kind=self.rng.choice(["meeting", "meeting", "call", "async"]),
            topics=[self.competencies[s] for s in topic_slugs],
            shared_notes=self.rng.choice(unwritten or content.SHARED_NOTES[topic_slugs[0]]),
            private_note=(
                self.rng.choice(
                    content.MENTEE_PRIVATE_NOTES
                    if author.pk == pairing.mentee_id
                    else content.MENTOR_PRIVATE_NOTES
                )
                if self.rng.random() < 0.35
                else ""
            ),
            confidence_pulse=(self.rng.randint(2, 5) if author.pk == pairing.mentee_id else None),
            action_items=[
                ActionItemSpec(
                    text=text,
                    owner=self.rng.choice([pairing.mentee, pairing.mentee, pairing.mentor]),
                    due_on=day + dt.timedelta(days=self.rng.randint(5, 14)),
                )
                for text in new_items
            ],
            close_action_items=[item for item in open_items if self.rng.random() < 0.7],
        )
        self._logged_on_the_day(checkin, author)

    @staticmethod
    def _logged_on_the_day(checkin: CheckIn, author: Person) -> None:
        """A demo check-in was logged the evening of the day it happened, not
        when the demo was built: its "logged on" line says so, and only the
        last week's stay open to edits, as they would."""
        evening = dt.datetime.combine(
            checkin.occurred_on, dt.time(17, 30), tzinfo=ZoneInfo(author.time_zone)
        )
        logged_at = min(evening, timezone.now())
        CheckIn.objects.filter(pk=checkin.pk).update(created_at=logged_at, updated_at=logged_at)
        ActionItem.objects.filter(created_in=checkin).update(
            created_at=logged_at, updated_at=logged_at
        )
        ActionItem.objects.filter(done_in=checkin).update(done_at=logged_at)

    def build_draft_program(self, company: Company) -> Program:
        starts_on = self.today + dt.timedelta(days=100)
        program = program_create(
            name=f"New managers — {self._season(starts_on)} {starts_on.year}",
            description="Next cohort; enrolment is open, matching has not run yet.",
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=150),
            plan=default_plan_install(by=company.hr),
            admins=[company.hr],
            by=company.hr,
        )
        for person in company.experienced[-2:]:
            enrollment_create(
                program=program, person=person, role=EnrollmentRole.MENTOR, by=company.hr
            )
        for person in company.new_managers[-3:]:
            enrollment_create(
                program=program,
                person=person,
                role=EnrollmentRole.MENTEE,
                by=company.hr,
                focus_competencies=[self.competencies["coaching-and-feedback"]],
            )
        return program


def build_demo(*, today: dt.date) -> Summary:

    with transaction.atomic():
        builder = DemoBuilder(today=today)
        company = builder.build_company()
        builder.build_active_program(company)
        builder.build_draft_program(company)
        # The check-ins were backdated to the evening they happened after
        # they were logged: the summaries follow their final rows.
        summaries_rebuild()
        tallies_rebuild()
    return Summary(
        people=Person.objects.count(),
        departments=Department.objects.count(),
        programs=Program.objects.count(),
        pairings=Pairing.objects.count(),
        milestones=Milestone.objects.count(),
        checkins=CheckIn.objects.count(),
    )
