"""The mentor or the mentee asks the program's admins to pause or end their
pairing; the admins decide."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorship import access
from mentorship.audit.services import audit_record
from mentorship.pairings.models import (
    PAIRING_TRANSITIONS,
    ChangeRequestKind,
    ChangeRequestStatus,
    Pairing,
    PairingChangeRequest,
    PairingStatus,
)
from mentorship.pairings.services.lifecycle import (
    pairing_end,
    pairing_pause,
    with_article,
)
from mentorship.people.models import Person


def change_request_open(
    *, pairing: Pairing, by: Person, kind: str, reason: str
) -> PairingChangeRequest:
    """The mentor or the mentee asks the program admins to pause or end
    their pairing; the admins decide."""
    access.require_member(by, pairing, "Only the mentor and the mentee can ask for this.")
    if kind not in ChangeRequestKind.values:
        raise ValidationError({"kind": "Ask to pause or to end the pairing."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why, so the program admins can help."})
    # Asking for what the state machine allows from here: a pause from an
    # active pairing, an end from an active or a paused one.
    to = PairingStatus.PAUSED if kind == ChangeRequestKind.PAUSE else PairingStatus.ENDED
    if to not in PAIRING_TRANSITIONS[pairing.status]:
        raise ValidationError(
            {
                "kind": f"{with_article(pairing.get_status_display().lower())} pairing "
                f"cannot be {'paused' if kind == ChangeRequestKind.PAUSE else 'ended'}."
            }
        )
    try:
        with transaction.atomic():
            # One open request per pairing: the admins decide it before the
            # next, so a pause and an end never wait side by side. The lock
            # makes two simultaneous asks queue.
            Pairing.objects.select_for_update().filter(pk=pairing.pk).first()
            waiting = (
                PairingChangeRequest.objects.filter(
                    pairing=pairing, status=ChangeRequestStatus.OPEN
                )
                .select_related("requested_by")
                .first()
            )
            if waiting is not None:
                who = "You" if waiting.requested_by_id == by.pk else waiting.requested_by.full_name
                raise ValidationError(
                    {
                        "kind": f"{who} already asked to {waiting.kind} this pairing on "
                        f"{waiting.created_at:%-d %B}; the program admins decide that first."
                    }
                )
            request = PairingChangeRequest.objects.create(
                pairing=pairing, kind=kind, requested_by=by, reason=reason.strip()
            )
            audit_record(
                actor=by,
                action=f"pairing.{kind}_requested",
                target=pairing,
                program=pairing.program,
                data={"request": request.pk},
            )
    except IntegrityError:
        raise ValidationError(
            {"kind": "There is already an open request of this kind for this pairing."}
        ) from None
    return request


def change_request_decide(
    *, change_request: PairingChangeRequest, by: Person, approve: bool, note: str = ""
) -> PairingChangeRequest:
    """A program admin approves (the pairing is paused or ended, with the
    requester's reason) or declines (with a note) a request from the pair."""
    pairing = change_request.pairing
    access.require_administers(by, pairing.program)
    if not approve and not note.strip():
        raise ValidationError({"note": "Say why you decline, for the person who asked."})
    with transaction.atomic():
        locked = PairingChangeRequest.objects.select_for_update().get(pk=change_request.pk)
        if locked.status != ChangeRequestStatus.OPEN:
            raise ValidationError(
                {"status": f"This request is already {locked.get_status_display().lower()}."}
            )
        if approve:
            if locked.kind == ChangeRequestKind.PAUSE:
                pairing_pause(pairing=pairing, by=by, reason=locked.reason)
            else:
                pairing_end(pairing=pairing, by=by, reason=locked.reason)
        locked.status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.DECLINED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        locked.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
        )
        audit_record(
            actor=by,
            action=f"pairing.{locked.kind}_request_{locked.status}",
            target=pairing,
            program=pairing.program,
            data={"request": locked.pk},
        )
    return locked
