"""Thin task over services.py."""

from __future__ import annotations

from celery import shared_task

from mentorship.agreements import services


@shared_task
def agreements_sweep() -> dict[str, int]:
    """Beat: ask line managers for the agreements whose step has come."""
    return services.sweep()
