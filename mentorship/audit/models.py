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


class SecurityEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    PASSWORD_ACCEPTED = "password_accepted", "Password right; second factor asked"
    SIGN_IN_FAILED = "sign_in_failed", "Wrong password"
    SIGN_IN_REFUSED = "sign_in_refused", "Sign-in paused after repeated failures"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset asked for"
    PASSWORD_RESET = "password_reset", "Password reset with an emailed link"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere", "Signed out everywhere else"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    TWO_FACTOR_ENABLED = "two_factor_enabled", "Two-factor sign-in turned on"
    TWO_FACTOR_DISABLED = "two_factor_disabled", "Two-factor sign-in turned off"
    TWO_FACTOR_PASSED = "two_factor_passed", "Signed in with the second factor"
    TWO_FACTOR_FAILED = "two_factor_failed", "Wrong second-factor code"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", "New recovery codes made"


class SecurityEventVia(models.TextChoices):
    SITE = "site", "Site"
    ADMIN = "admin", "Django admin"
    API = "api", "API"
    EMAIL_LINK = "email_link", "Emailed link"
    COMPANY = "company", "Company sign-in"


class SecurityEvent(models.Model):
    """What happened to an account: sign-ins and their failures, pauses,
    password resets and changes, invitations accepted, API tokens made and
    revoked (``audit/security.py``). Never a secret: no password, token or
    link — a token appears by its prefix — and no address that is not a
    person's (what was typed into the address field of a failed sign-in can
    be a password)."""

    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30, choices=SecurityEventKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    via = models.CharField(max_length=12, choices=SecurityEventVia.choices, blank=True)
    client_ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    # Structure only: {"unknown_address": true}, {"token": "sct_1a2b3c"}, {"why": …}.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # audit.selectors.security_events: HR's log, newest first, a page at a time.
            models.Index(fields=["-at", "-id"], name="security_by_time"),
            # The same, one kind at a time.
            models.Index(fields=["kind", "-at", "-id"], name="security_by_kind"),
            # A person's own account activity, and HR's log for one address.
            models.Index(fields=["person", "-at", "-id"], name="security_by_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SecurityEventKind.values), name="security_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"

    @property
    def what(self) -> str:
        """What happened, in words: a company sign-in that failed was no
        wrong password, and says why it was refused."""
        if self.kind == SecurityEventKind.SIGN_IN_FAILED and self.via == SecurityEventVia.COMPANY:
            why = COMPANY_REFUSALS.get(str((self.data or {}).get("why", "")), "")
            return f"Company sign-in refused: {why}" if why else "Company sign-in refused"
        return str(self.get_kind_display())


# Why a company sign-in was refused (the codes company_sign_in.SignInRefused
# records), as HR's security log says it.
COMPANY_REFUSALS = {
    "provider_unreachable": "the provider could not be reached",
    "provider_refused": "the provider did not complete it",
    "state_mismatch": "a return link used twice, or from another tab",
    "token_invalid": "a token that could not be trusted",
    "no_id_token": "the provider did not say who it was",
    "no_email": "no email address shared",
    "email_not_verified": "the address is not verified",
    "domain_not_allowed": "an address outside the allowed domains",
    "unknown_person": "nobody in Scaffold has the address",
    "account_closed": "the account is closed",
}
