from __future__ import annotations

from celery import shared_task

from mentorship.people import services
from mentorship.people.models import Person


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_password_reset_email(person_id: int) -> None:
    # The token is made here, from the id: no secret travels through the broker.
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is not None:
        services.password_reset_email_send(person=person)
