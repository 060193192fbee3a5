from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from celery import shared_task

from mentorship.people import services
from mentorship.people.imports import services as import_services
from mentorship.people.models import Person, PersonImport

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_password_reset_email(person_id: int) -> None:
    # The token is made here, from the id: no secret travels through the broker.
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is not None:
        services.password_reset_email_send(person=person)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_invitations(person_ids: list[int], queued_at: str) -> int:
    """One email each. Someone invited since the request was queued (by this
    task before a retry, or by a newer request) is not sent another."""
    since = dt.datetime.fromisoformat(queued_at)
    sent = 0
    waiting = Person.objects.filter(pk__in=person_ids, is_active=True).exclude(
        invited_at__gte=since
    )
    for person in waiting.order_by("pk"):
        sent += services.invitation_email_send(person=person)
    return sent


def _run_import(import_id: int, step: Callable[..., PersonImport]) -> str:
    person_import = PersonImport.objects.filter(pk=import_id).first()
    if person_import is None:
        return "gone"
    try:
        return step(person_import=person_import).status
    except Exception as exc:
        logger.exception("People import %s failed", import_id)
        import_services.person_import_fail(person_import_id=import_id, error=exc)
        raise


# Both steps are safe to run twice: each starts from the import's status, and
# the writing is one transaction that a killed worker leaves undone.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=900, soft_time_limit=840)
def check_person_import(import_id: int) -> str:
    return _run_import(import_id, import_services.person_import_check)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=900, soft_time_limit=840)
def commit_person_import(import_id: int) -> str:
    return _run_import(import_id, import_services.person_import_commit)
