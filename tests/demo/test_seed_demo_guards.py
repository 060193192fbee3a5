from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mentorship.people.models import Person

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_if_empty_leaves_a_populated_database_alone(settings: Any, personas: Any) -> None:
    settings.DEBUG = True
    before = Person.objects.count()

    assert "demo data not loaded" in seed("--if-empty")
    assert Person.objects.count() == before


def test_it_refuses_to_run_with_debug_off_unless_forced(settings: Any, db: None) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        seed()
    assert Person.objects.count() == 0

    seed("--force")
    assert Person.objects.filter(email="hr@example.com").exists()
