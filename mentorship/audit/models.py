"""Who did what to which object, and when. Every state change, import,
approval and export writes one row. ``data`` holds structure only (ids,
states, counts): never the text of a note or reflection."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "<object>.<verb>", e.g. "pairing.activated", "milestone.completed".
    action = models.CharField(max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=40)
    target_repr = models.CharField(max_length=200)
    # For HR's view of one program's history.
    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # An object's history, newest first.
            models.Index(fields=["target_type", "target_id", "-at"], name="audit_by_target"),
            # A program's history, newest first.
            models.Index(fields=["program", "-at"], name="audit_by_program"),
            # A person's actions, newest first.
            models.Index(fields=["actor", "-at"], name="audit_by_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"
