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
        if dry_run:
            self.stdout.write("Dry run: nothing is deleted.")
        removed = retention.retention_sweep(dry_run=dry_run)
        rules = {rule.name: rule for rule in retention.rules()}
        verb = "would delete" if dry_run else "deleted"
        width = max(len(name) for name in removed)
        for name, count in removed.items():
            rule = rules[name]
            kept = f"kept {rule.kept}" + (f" ({rule.setting})" if rule.setting else "")
            outcome = "" if rule.kept == "forever" else f"  {verb} {count:,}"
            self.stdout.write(f"{name:<{width}}  {kept:<58}{outcome}".rstrip())
