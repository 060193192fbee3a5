"""The email outbox. The database is the schedule: a sweep inserts one row
per reminder (the unique ``dedup_key`` makes a second sweep insert nothing),
workers claim due rows and send them, and a reconciler returns rows stuck in
``sending`` to ``pending``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# Emails nothing will send again: delivered, given up on, or called off.
FINISHED_STATUSES = (
    NotificationStatus.SENT,
    NotificationStatus.FAILED,
    NotificationStatus.CANCELLED,
)


class Notification(models.Model):
    kind = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # kind + object + recipient + period: a second insert of the same
    # reminder violates this and is skipped.
    dedup_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    send_after = models.DateTimeField()
    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    pairing = models.ForeignKey(
        "pairings.Pairing", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # What the reminder is about (a milestone, an action item, a program).
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject_id = models.BigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set by each claim; only the task holding the current claim may send.
    claim_id = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # When a worker took the row up (its send task started): empty while the
    # task still waits in the queue, so the reconciler can tell a row a
    # worker dropped (an attempt) from one no worker has touched yet (none).
    started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    # The rendered subject line, kept for the notification log.
    email_subject = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values),
                name="notification_status_valid",
            ),
        ]
        indexes = [
            # notifications.services claim: pending rows whose time has come.
            models.Index(
                fields=["send_after"],
                condition=models.Q(status=NotificationStatus.PENDING),
                name="notification_pending_due",
            ),
            # notifications.services reconcile: rows stuck in sending.
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status=NotificationStatus.SENDING),
                name="notification_sending_claimed",
            ),
            # "What was sent to me", newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_by_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id} ({self.status})"

    def get_kind_label(self) -> str:
        # The kinds are built on this model: they can only be asked here.
        from mentorship.notifications.kinds import registry

        kind = registry().get(self.kind)
        return kind.label if kind else self.kind


class SignedLinkUse(models.Model):
    """A one-click link from an email that has been used: state-changing
    links work once."""

    digest = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"link used by {self.person_id} at {self.used_at:%Y-%m-%d %H:%M}"


class EmailOptOut(models.Model):
    """A person who does not want emails of one kind."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    kind = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="optout_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} opted out of {self.kind}"


class OutboxMessage(models.Model):
    """A copy of every email sent while ``EMAIL_BACKEND=outbox`` (the
    development default), one row per recipient, readable on the outbox page."""

    to_email = models.EmailField()
    from_email = models.CharField(max_length=255)
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The outbox page: one person's mail, newest first.
            models.Index(fields=["to_email", "-created_at"], name="outbox_by_recipient"),
        ]

    def __str__(self) -> str:
        return self.subject
