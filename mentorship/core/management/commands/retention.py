"""``manage.py retention``: delete what is past its keeping, now.

Beat runs the same sweep every night at 03:30 UTC; this is for operators:
``--dry-run`` counts what would go without deleting anything.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mentorship.core import retention


class Command(BaseCommand):
    help = "Delete records past their keeping (the RETENTION_* settings); --dry-run only counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be deleted, and delete nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        removed = retention.retention_sweep(dry_run=dry_run)
        kept = {rule.name: rule.kept for rule in retention.rules()}
        verb = "would delete" if dry_run else "deleted"
        width = max(len(name) for name in removed)
        for name, count in removed.items():
            self.stdout.write(f"{name:<{width}}  kept {kept[name]:<32}  {verb} {count:,}")
