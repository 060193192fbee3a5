"""Thin task over services.py."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from mentorship.upward import services


@shared_task
def upward_rounds_sweep() -> dict[str, Any]:
    """Beat: open the rounds whose step has come, close those past their end."""
    return services.sweep()
