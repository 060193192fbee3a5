"""Email throughput end to end: reminders claimed, handed to a real Celery
worker (two processes) and delivered to a real SMTP server on loopback,
timed until the last one is marked sent — interleaved, round by round,
with its baseline: the same number of ready-made messages sent over SMTP
from one process by ``smtplib``, one connection per 50, with nothing else
to do."""

from __future__ import annotations

import datetime as dt
import email.policy
import os
import secrets
import smtplib
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from django.db.models import Max, QuerySet, Sum
from django.test import override_settings
from django.utils import timezone

from config.celery_app import app as celery_app
from mentorship.notifications import emails
from mentorship.notifications.kinds import content_type_id
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.notifications.services import TASK_BATCH, notifications_dispatch
from mentorship.pairings.models import Milestone, Pairing, PairingStatus
from mentorship.pairings.reminders import MilestoneDueSoon
from mentorship.people.models import Person
from mentorship.plans.models import OnboardingPlan, StepKind, StepOwner
from mentorship.programs.models import Program, ProgramStatus
from tests.fixtures.celery_worker import WorkerProcess

# A milestone due soon to both sides of each pairing: 3,000 emails a round.
PAIRINGS = int(os.environ.get("BENCH_EMAIL_PAIRINGS", "1500"))
ROUNDS = 3
# Worker processes: one per core of these 2-core machines, and two per core
# as the shipped deployment runs them.
CONCURRENCIES = tuple(
    int(n) for n in os.environ.get("BENCH_EMAIL_CONCURRENCY", "2,4").split(",") if n
)
TITLE = (
    "Email delivered end to end (budget: ≥ 300 emails/s to a local SMTP server; "
    "100,000 due at 09:00 delivered within 6 minutes)"
)
NOTES: list[str] = []


def build() -> list[int]:
    today = timezone.localdate()
    plan = OnboardingPlan.objects.create(name="Email bench plan")
    program = Program.objects.create(
        name="Email bench",
        slug="email-bench",
        status=ProgramStatus.ACTIVE,
        plan=plan,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=90),
        reminder_lead_days=3,
    )
    people = Person.objects.bulk_create(
        [
            Person(
                email=f"mail{i}@scaffold.test",
                full_name=f"Mail Person {i}",
                time_zone="Europe/Berlin",
                password="!",
            )
            for i in range(PAIRINGS * 2)
        ],
        batch_size=5_000,
    )
    pairings = Pairing.objects.bulk_create(
        [
            Pairing(
                program=program,
                mentee=people[i],
                mentor=people[PAIRINGS + i],
                status=PairingStatus.ACTIVE,
                starts_on=today - dt.timedelta(days=20),
                ends_on=today + dt.timedelta(days=70),
            )
            for i in range(PAIRINGS)
        ],
        batch_size=5_000,
    )
    milestones = Milestone.objects.bulk_create(
        [
            Milestone(
                pairing=pairing,
                position=1,
                title="Hold a first round of 1:1s",
                owner=StepOwner.BOTH,
                kind=StepKind.MILESTONE,
                due_on=today + dt.timedelta(days=2),
            )
            for pairing in pairings
        ],
        batch_size=5_000,
    )
    subject_type = content_type_id(Milestone)
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=person_id,
                kind=MilestoneDueSoon.name,
                dedup_key=f"email-bench:{milestone.pk}:{person_id}",
                send_after=timezone.now(),
                program=program,
                pairing_id=milestone.pairing_id,
                subject_type_id=subject_type,
                subject_id=milestone.pk,
            )
            for milestone in milestones
            for person_id in (milestone.pairing.mentee_id, milestone.pairing.mentor_id)
        ],
        batch_size=5_000,
    )
    return [row.pk for row in rows]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_smtp_server(port: int) -> subprocess.Popen[bytes]:
    """aiosmtpd's Sink (accepts and drops every message) in its own process."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-c",
            "aiosmtpd.handlers.Sink",
            "-l",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("The benchmark's SMTP server did not start.")


def through_the_worker(ids: list[int]) -> float:
    """Queue every row and time it until the last one is marked sent."""
    Notification.objects.filter(pk__in=ids).update(
        status=NotificationStatus.PENDING,
        claim_id=None,
        claimed_at=None,
        started_at=None,
        sent_at=None,
        attempts=0,
        send_after=timezone.now() - dt.timedelta(minutes=1),
    )
    rows = _rows(ids)
    started = timezone.now()
    with override_settings(NOTIFICATIONS_MAX_IN_FLIGHT=1_000_000):
        notifications_dispatch()
    # Watched lightly, twice a second (the watching shares the two cores
    # with what it watches); the round ends when the last email was marked
    # sent, as the worker stamped it.
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if not rows.exclude(status=NotificationStatus.SENT).exists():
            last = rows.aggregate(last=Max("sent_at"))["last"]
            return (last - started).total_seconds()
        time.sleep(0.5)
    raise RuntimeError("The worker did not deliver the round within 10 minutes.")


def _rows(ids: list[int]) -> QuerySet[Notification]:
    """The round's rows, by a range of ids when they are one run of ids (an
    index range, where a list of 3,000 ids is parsed and planned each time)."""
    first, last = min(ids), max(ids)
    if last - first + 1 == len(ids):
        return Notification.objects.filter(pk__gte=first, pk__lte=last)
    return Notification.objects.filter(pk__in=ids)


def raw_messages(ids: list[int]) -> list[tuple[str, bytes]]:
    """What the worker sends, ready-made: one real reminder rendered from
    its templates, addressed to each recipient in turn."""
    row = Notification.objects.select_related("recipient").get(pk=ids[0])
    context = {
        **MilestoneDueSoon().load([row])[row.pk],  # type: ignore[dict-item]
        "recipient": row.recipient,
    }
    message, _ = emails.build(
        to=row.recipient.email,
        name=MilestoneDueSoon.template,
        context=context,
        message_id="<bench@127.0.0.1>",
        headers={"Auto-Submitted": "auto-generated"},
    )
    body = message.message(policy=email.policy.SMTP).as_bytes()
    recipients = list(
        Notification.objects.filter(pk__in=ids).values_list("recipient__email", flat=True)
    )
    return [(address, body) for address in recipients]


def raw_smtp(port: int, messages: list[tuple[str, bytes]]) -> float:
    started = time.perf_counter()
    for start in range(0, len(messages), TASK_BATCH):
        with smtplib.SMTP("127.0.0.1", port, timeout=20) as client:
            for address, body in messages[start : start + TASK_BATCH]:
                client.sendmail("scaffold@localhost", [address], body)
    return time.perf_counter() - started


def run(measure: Callable[[str, Callable[[], Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    setup = measure(
        f"Setup: {PAIRINGS:,} pairings, {2 * PAIRINGS:,} reminders due now", lambda: len(build())
    )
    ids = list(
        Notification.objects.filter(dedup_key__startswith="email-bench:").values_list(
            "id", flat=True
        )
    )
    port = free_port()
    server = start_smtp_server(port)
    load_before = os.getloadavg()[0]
    results = []
    try:
        messages = raw_messages(ids)
        for concurrency in CONCURRENCIES:
            celery_app.control.purge()
            worker = WorkerProcess(
                concurrency=concurrency,
                extra_env={
                    # As in production: templates parsed once and cached, no query log.
                    "DEBUG": "false",
                    "SECRET_KEY": secrets.token_urlsafe(50),
                    "EMAIL_BACKEND": "smtp",
                    "EMAIL_HOST": "127.0.0.1",
                    "EMAIL_PORT": str(port),
                    "EMAIL_USE_TLS": "false",
                },
            ).start()
            try:
                worker_seconds, raw_seconds = [], []
                for _ in range(ROUNDS):
                    worker_seconds.append(through_the_worker(ids))
                    raw_seconds.append(raw_smtp(port, messages))
            finally:
                worker.stop()
            worker_rate = len(ids) / statistics.median(worker_seconds)
            raw_rate = len(ids) / statistics.median(raw_seconds)
            print(  # noqa: T201
                f"Through the worker ({concurrency} processes): {worker_rate:.0f} emails/s "
                f"(rounds {worker_seconds}); raw SMTP: {raw_rate:.0f}/s (rounds {raw_seconds})"
            )
            results.append(
                {
                    "label": f"Through a Celery worker of {concurrency} processes "
                    "(claim, queue, render, send, mark sent)",
                    "rate": worker_rate,
                    "seconds": worker_seconds,
                    "raw_rate": raw_rate,
                    "raw_seconds": raw_seconds,
                }
            )
    finally:
        server.kill()
        server.wait()
    load_after = os.getloadavg()[0]
    count = len(ids)
    attempts = Notification.objects.filter(pk__in=ids).aggregate(n=Sum("attempts"))["n"]
    NOTES[:] = [
        f"Each round delivers {count:,} emails; {ROUNDS} rounds of each, interleaved. The",
        "worker runs DEBUG off on the machine's two cores, beside the SMTP server",
        "(aiosmtpd's Sink, its own process), PostgreSQL and Redis. Four processes is",
        "what the shipped deployment runs (config/deploy/: two worker units of",
        "`--concurrency 2`): a process spends about a third of each email waiting on",
        "the SMTP server and PostgreSQL, so twice as many processes as cores keeps both",
        "cores busy. The baseline sends ready-made messages from one process and so",
        "renders nothing, reads nothing and records nothing.",
        "",
        "A round is timed from the dispatch to the `sent_at` the worker stamped on the",
        "last email. The benchmark looks whether the round is done twice a second, by",
        "a range of ids: watching it every 50 ms with a list of 3,000 ids, as earlier",
        "runs did, took a third of the machine from the worker it was timing.",
        "",
        "Each worker email costs one `UPDATE` to mark it sent (kept per email, so a",
        "worker killed mid-batch leaves at most the one email it was sending",
        "unrecorded); reading the batch, checking what is still wanted and cancelling",
        "the rest is a fixed six statements per batch of 50",
        "(`tests/notifications/test_sending.py`). Two measured savings per email on",
        "this machine: the MIME message built with the legacy classes instead of",
        "Django's (1.4 ms of CPU down to 0.36 ms, `notifications/emails.py`), and the",
        "mark-sent `UPDATE` written out once instead of built by the ORM each time",
        "(0.45 ms of CPU down to 0.16 ms). Writing out a header of ASCII text that",
        "fits on its line, instead of folding it through `email.header.Header`, took",
        "the message's bytes from 355 µs to 221 µs (medians of 3,000 interleaved",
        "runs; a property test checks both ways write every header alike).",
        "Choosing the multipart boundary without the standard library's check of",
        "the text (a pattern compiled per message; our quoted-printable parts cannot",
        "hold it) took it to 186 µs from 296 µs, and the SMTP backend checks each",
        "address once per process (74 µs each time before): about 0.18 ms of the",
        "worker's 3 ms per email, smaller than what the machine's speed moves",
        "between runs. The same code, on the slower machine of the run before this",
        "one, delivered 264 emails/s through 2 processes and 273 through 4, beside a",
        "raw SMTP baseline of 771 and 726: read the rate with its baseline.",
        f"Load average (1 min) {load_before:.2f} before, {load_after:.2f} after; "
        f"{attempts:,} attempts recorded for {count:,} emails in the last round.",
    ]
    return [setup, *results]


def table(rows: list[dict[str, Any]]) -> list[str]:
    setup, *results = rows
    lines = [
        "| operation | median emails/s | rounds (s) | raw SMTP, one process (emails/s) "
        "| ratio | 100,000 at this rate |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for result in results:
        worker_rate, raw_rate = result["rate"], result["raw_rate"]
        lines.append(
            f"| {result['label']} | {worker_rate:.0f} | "
            + ", ".join(f"{s:.1f}" for s in result["seconds"])
            + f" | {raw_rate:.0f} | {raw_rate / worker_rate:.1f}× slower | "
            f"{100_000 / worker_rate / 60:.1f} min |"
        )
    return [*lines, "", f"{setup['label']}: {setup['seconds']:.1f} s."]
