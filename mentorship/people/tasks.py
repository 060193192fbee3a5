from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task

from mentorship.people.imports import services as import_services
from mentorship.people.models import PersonImport

logger = logging.getLogger(__name__)


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
