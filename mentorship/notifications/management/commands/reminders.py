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
        found = services.notifications_sweep()
        self.stdout.write("Due now, by kind: " + ", ".join(f"{k} {n}" for k, n in found.items()))
        now = timezone.now()
        if options["send_now"]:
            now += dt.timedelta(days=365)
        claimed = services.notifications_dispatch(now=now)
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
