from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from mentorship.audit.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    program: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. ``data`` must hold structure only (ids, states,
    counts, field names): never the text of a note or reflection."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        program=program,
        data=data or {},
    )
