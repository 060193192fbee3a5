"""``manage.py seed_demo``: a believable company to explore Scaffold with."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mentorship.demo import builder, content
from mentorship.notifications.events import deliveries_held
from mentorship.people.models import Person


class Command(BaseCommand):
    help = "Load the demo company: ~60 people, one running program and one in draft."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing unless the database has no people at all (used by `make dev`).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off. The demo logins share a published password.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this looks like a real installation: the demo creates "
                "accounts with a published password. Pass --force if you really want it."
            )
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("The database already has people; demo data not loaded.")
            return
        if Person.objects.filter(email=builder.HR_EMAIL).exists():
            self.stdout.write("Demo data is already loaded; nothing to do.")
            self._print_logins()
            return

        # The broker may not run yet (`make dev` starts it after this): the
        # demo's emails wait in the outbox for the worker's first dispatch.
        with deliveries_held() as emails:
            summary = builder.build_demo(today=timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {summary.people} people in {summary.departments} departments, "
                f"{summary.programs} programs, {summary.pairings} pairings, "
                f"{summary.milestones} milestones, {summary.checkins} check-ins."
            )
        )
        if emails:
            self.stdout.write(
                f"{len(emails)} email{'s' if len(emails) != 1 else ''} "
                "wait in the outbox; the worker sends them once it runs."
            )
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo sign-ins (password {content.DEMO_PASSWORD}):")
        for email, role in content.DEMO_LOGINS:
            self.stdout.write(f"  {email:<22} {role}")
