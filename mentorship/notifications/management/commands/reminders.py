"""``manage.py reminders``: run the reminder engine by hand.

Beat runs it on its own every few minutes; this is for operators and demos:
see what is queued, queue what is due now, or (in a demo) send everything
queued without waiting for 09:00 in each recipient's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from mentorship.notifications import services
from mentorship.notifications.models import Notification, NotificationStatus


class Command(BaseCommand):
    help = "Sweep for due reminders and dispatch them; optionally send every queued one now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--send-now",
            action="store_true",
            help="Dispatch every pending reminder now instead of at 09:00 local (demos only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Rows the sweep adds come after every row there is now.
        last_before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
        found = services.notifications_sweep()
        self.stdout.write(
            "Found due, by kind (some may be queued already, turned off by their "
            "recipient, or too late to help): " + ", ".join(f"{k} {n}" for k, n in found.items())
        )
        queued = Counter(
            Notification.objects.filter(pk__gt=last_before or 0).values_list("kind", flat=True)
        )
        self.stdout.write(
            "Queued just now: "
            + (", ".join(f"{k} {n}" for k, n in sorted(queued.items())) or "nothing new")
        )
        # --send-now: everything queued counts as due, but the claims carry
        # the real time, so the reconciler still sees a lost one in minutes.
        due_by = timezone.now() + dt.timedelta(days=365) if options["send_now"] else None
        claimed = services.notifications_dispatch(due_by=due_by)
        self.stdout.write(f"Handed {claimed} to the workers.")
        waiting = Counter(
            Notification.objects.filter(status=NotificationStatus.PENDING).values_list(
                "kind", flat=True
            )
        )
        if waiting:
            self.stdout.write(
                "Waiting for 09:00 in their recipients' time zones: "
                + ", ".join(f"{k} {n}" for k, n in sorted(waiting.items()))
            )
