from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from mentorship.core.timezones import validate_time_zone


class Department(models.Model):
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="department_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class Competency(models.Model):
    """A management skill the onboarding plan is built around."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> Person:
        # Addresses are stored lower-cased (a database constraint holds it),
        # so sign-in is case-insensitive without a function index.
        return self.get(email=(username or "").strip().lower())

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> Person:
        if not email:
            raise ValueError("A person needs an email address.")
        person = self.model(email=email.strip().lower(), **fields)
        person.set_password(password)
        person.full_clean(exclude=["password"])
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> Person:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("full_name", email.split("@", maxsplit=1)[0])
        return self.create_user(email, password, **fields)


# An erased person's address is at this domain (people/erasure.py): one that
# receives no mail (RFC 2606 reserves .invalid).
ERASED_DOMAIN = "erased.invalid"


class Person(AbstractBaseUser, PermissionsMixin):
    """Everyone in Scaffold: new managers, mentors, HR. Signs in by email."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    # The reporting line. Matching keeps mentors out of a mentee's management
    # chain, and a mentee's own manager gets a read-only view of progress.
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    became_manager_on = models.DateField(
        null=True, blank=True, help_text="The day this person first managed a team."
    )
    expertise = models.ManyToManyField(Competency, blank=True, related_name="experts")
    default_mentor_capacity = models.PositiveSmallIntegerField(
        default=2,
        help_text="How many mentees this person can take at once, unless a program says otherwise.",
    )
    is_hr = models.BooleanField(
        "HR / program administration",
        default=False,
        help_text="May create programs and plans and sees the structure of every program.",
    )
    email_weekdays_only = models.BooleanField(
        default=False, help_text="Hold reminders that fall on a Saturday or Sunday until Monday."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May sign in to the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    invited_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last invitation to choose a password went out."
    )
    # Part of what every session of this person is signed with: raising it
    # ("sign out everywhere else") ends their other sessions, as a new
    # password does.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # Set while an authenticator app is confirmed (people/two_factor.py): the
    # one field the per-request check reads, so it costs no query.
    two_factor_since = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[PersonManager] = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = "person"
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="person_email_lowercase"
            ),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")), name="person_not_own_manager"
            ),
            models.CheckConstraint(
                condition=models.Q(default_mentor_capacity__lte=20),
                name="person_mentor_capacity_at_most_20",
            ),
        ]
        indexes = [
            # GET /api/v1/people/ for HR: ORDER BY full_name, id, keyset-paged.
            models.Index(fields=["full_name", "id"], name="person_by_name"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django signs each session with an HMAC of the password hash; here
        the session epoch is part of it too. Epoch 0 gives Django's own
        value, so sessions made before the epoch existed stay valid."""
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac(
            "mentorship.people.Person.session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_erased(self) -> bool:
        return self.email.endswith(f"@{ERASED_DOMAIN}")

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ApiToken(models.Model):
    """A bearer token for API clients. Only a SHA-256 digest is stored: the
    token itself is shown once, when it is created."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(
        max_length=12, help_text="The first characters, to tell tokens apart."
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="After this moment the token no longer works."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # people.selectors.api_tokens_for: a person's live tokens, newest first.
            models.Index(
                fields=["person", "-created_at"],
                condition=models.Q(revoked_at__isnull=True),
                name="apitoken_live_by_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or 'unnamed'})"

    def expired(self, now: Any = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class RecoveryCode(models.Model):
    """One of the codes that stand in for the authenticator app, once each.
    Only a keyed digest is stored (HMAC with the site's secret key), so a
    copy of the database does not hand them out."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "digest"], name="recoverycode_unique"),
        ]

    def __str__(self) -> str:
        return f"recovery code of {self.person_id}"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "Checking"
    CHECKED = "checked", "Checked"  # ready to import: no errors
    REJECTED = "rejected", "Has errors"  # nothing can be written until the file is fixed
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Failed"


# A worker is on it: the page polls until it is not.
RUNNING_IMPORT_STATUSES = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


class PersonImport(models.Model):
    """A CSV of people from an HR system: checked first (the dry run), then
    written in one transaction — or not at all."""

    uploaded_by = models.ForeignKey(
        Person, null=True, on_delete=models.SET_NULL, related_name="person_imports"
    )
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person_imports",
        help_text="Where rows with a role are enrolled.",
    )
    filename = models.CharField(max_length=255)
    content = models.BinaryField(help_text="The file as uploaded.")
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Counts from the dry run (and, once imported, of what was written).
    summary = models.JSONField(default=dict, blank=True)
    # [{"row", "column", "message"}, …]: every problem, by row.
    errors = models.JSONField(default=list, blank=True)
    # The first rows as they would be written, for the preview.
    preview = models.JSONField(default=list, blank=True)
    # [{"email", "full_name"}, …]: mentees of the program who would wait for
    # a mentor with no focus areas, which leaves matching little to go on.
    mentees_without_focus = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    invite_new_people = models.BooleanField(
        default=True, help_text="Email the people it creates an invitation to choose a password."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values),
                name="personimport_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_IMPORT_STATUSES
