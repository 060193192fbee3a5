"""``manage.py create_api_token EMAIL``: a token for scripts and operators."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorship.people.models import Person
from mentorship.people.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a person and print it (it is shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="created with manage.py")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(email=options["email"].strip().lower()).first()
        if person is None or not person.is_active:
            raise CommandError(f"No active person with the address {options['email']}.")
        _, raw = api_token_create(person=person, name=options["name"])
        self.stdout.write(raw)
