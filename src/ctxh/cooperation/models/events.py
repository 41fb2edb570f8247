"""Events of the cooperation: the Social Work Days, workshops, conferences and
commemorations; who is invited, who registered (with a waiting list), who attended; the
presentations (tham luận) given there."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import SYSTEM, ScopedQuerySet, scope_for
from ctxh.core.workflow import Transition
from ctxh.organizations.models import Organization
from ctxh.workforce.models import Person


def may_manage_event(by, event) -> bool:
    """Whether ``by`` manages ``event``: the programme office, or a manager of one of its
    organisers (the lead or a co-organiser)."""
    if by is SYSTEM:
        return True
    scope = scope_for(by, Event, "change")
    if scope.everything:
        return True
    if scope.empty:
        return False
    if scope.covers(event.lead_organizer_id):
        return True
    if not event.pk:
        return False
    ids = [o.pk for o in event.organizers.all()]
    return any(scope.covers(org_id) for org_id in ids)


def _token(n: int = 16) -> str:
    return secrets.token_urlsafe(n)


def _registration_code() -> str:
    return secrets.token_urlsafe(8)  # 11 characters, 64 random bits


class Event(models.Model):
    """An event of the programme: a Social Work Day, a workshop, a conference, a
    commemoration. Its lead organiser (and co-organisers) run it; it is open to everyone
    who registers, or to those invited; ``public`` shows it on the public portal.

    Status (through :mod:`ctxh.core.transitions`): planned → open for registration →
    held → closed, or cancelled before it is held. ``checkin_token`` is in the QR code
    shown in the room: accepted only during the event.
    """

    class Kind(models.TextChoices):
        VN_SOCIAL_WORK_DAY = "vn_swd", _("Vietnam Social Work Day")
        WORLD_SOCIAL_WORK_DAY = "world_swd", _("World Social Work Day")
        WORKSHOP = "workshop", _("Workshop")
        CONFERENCE = "conference", _("Conference")
        COMMEMORATION = "commemoration", _("Commemoration")
        OTHER = "other", _("Other event")

    class Level(models.TextChoices):
        CITY = "city", _("City")
        NATIONAL = "national", _("National")
        INTERNATIONAL = "international", _("International")

    class Mode(models.TextChoices):
        OPEN = "open", _("Open to everyone")
        INVITED = "invited", _("By invitation")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for registration")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.PLANNED: {
            Status.OPEN: Transition(
                "open", permission=may_manage_event, label=_("Open registration")
            ),
            Status.CANCELLED: Transition("cancel", permission=may_manage_event, label=_("Cancel")),
        },
        Status.OPEN: {
            Status.HELD: Transition("hold", permission=may_manage_event, label=_("Mark as held")),
            Status.CANCELLED: Transition("cancel", permission=may_manage_event, label=_("Cancel")),
        },
        Status.HELD: {
            Status.CLOSED: Transition("close", permission=may_manage_event, label=_("Close")),
        },
        Status.CLOSED: {},
        Status.CANCELLED: {},
    }

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.CITY)
    title = models.CharField(_("title"), max_length=255)
    lead_organizer = models.ForeignKey(
        Organization,
        verbose_name=_("lead organiser"),
        on_delete=models.PROTECT,
        related_name="events_led",
    )
    organizers = models.ManyToManyField(
        Organization,
        verbose_name=_("co-organisers"),
        blank=True,
        related_name="events_organized",
    )
    agenda = models.TextField(_("agenda"), blank=True)
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    registration_mode = models.CharField(
        _("registration"), max_length=10, choices=Mode.choices, default=Mode.OPEN
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Leave empty: registration closes when the event starts."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100000)],
        help_text=_("Leave empty for no limit."),
    )
    public = models.BooleanField(
        _("shown on the public portal"),
        default=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    checkin_token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    search_text = models.TextField(editable=False, default="")

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "lead_organizer"

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["starts_at"], name="coop_event_starts"),
            models.Index(fields=["kind", "starts_at"], name="coop_event_kind_starts"),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event ends before it starts.")
        if (
            self.registration_deadline
            and self.ends_at
            and self.registration_deadline > self.ends_at
        ):
            errors["registration_deadline"] = _(
                "The registration deadline must fall before the event ends."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def closes_registration_at(self):
        """When registration closes: the deadline, or the start of the event."""
        return self.registration_deadline or self.starts_at

    def save(self, *args, **kwargs):
        from ctxh.core.searchtext import normalize

        self.search_text = normalize(f"{self.title} {self.venue}")
        super().save(*args, **kwargs)


class Invitation(models.Model):
    """An invitation to an event by invitation: one person of the registry, or a whole
    organisation (all its staff are invited)."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_invitations",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_invitations",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "event__lead_organizer"

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(organization__isnull=False),
                name="coop_invitation_someone",
            ),
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=models.Q(person__isnull=False),
                name="coop_invitation_person_once",
            ),
            models.UniqueConstraint(
                fields=["event", "organization"],
                condition=models.Q(organization__isnull=False),
                name="coop_invitation_org_once",
            ),
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.person or self.organization} — {self.event}"


def may_cancel_registration(by, registration) -> bool:
    """Who may cancel a registration: its registrant (their account) or the organisers."""
    if getattr(by, "pk", None) and registration.user_id == by.pk:
        return True
    return may_manage_event(by, registration.event)


def may_manage_registrations(by, registration) -> bool:
    """The organisers of the registration's event (and the programme office)."""
    return may_manage_event(by, registration.event)


def may_check_in(by, registration) -> bool:
    """Who may record an attendance: the registrant by the room's QR code, the organisers
    (ticks, the code of a visitor's e-mail) and the system (the portal's code check-in)."""
    return may_cancel_registration(by, registration)


class Registration(models.Model):
    """Someone registered for an event: a person of the workforce registry, or a visitor
    (name, e-mail, organisation as text; no account needed for an open public event).

    Status (through :mod:`ctxh.core.transitions`): registered or waitlisted (beyond the
    capacity, in ``waitlist_position`` order, moved up by themselves when a place frees),
    cancelled, attended (checked in by QR code, by the ``code`` of their confirmation
    e-mail, or ticked by the organiser).
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")

    TRANSITIONS = {
        Status.REGISTERED: {
            Status.ATTENDED: Transition("attend", permission=may_check_in, label=_("Attended")),
            Status.CANCELLED: Transition(
                "cancel", permission=may_cancel_registration, label=_("Cancel")
            ),
        },
        Status.WAITLISTED: {
            Status.REGISTERED: Transition("move_up", permission=None, label=_("Move up")),
            Status.CANCELLED: Transition(
                "cancel", permission=may_cancel_registration, label=_("Cancel")
            ),
        },
        Status.ATTENDED: {
            Status.REGISTERED: Transition(
                "unattend", permission=may_manage_registrations, label=_("Not attended")
            ),
        },
        Status.CANCELLED: {},
    }

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    organization_name = models.CharField(_("organisation"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    waitlist_position = models.PositiveIntegerField(
        _("place on the waiting list"), null=True, blank=True
    )
    code = models.CharField(
        _("registration code"), max_length=16, unique=True, default=_registration_code
    )
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    certificate = models.ForeignKey(
        "documents.Document",
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = ("event__lead_organizer", "organization")
    scope_user_field = "user"

    class Meta:
        ordering = ["event", "registered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=models.Q(person__isnull=False) & ~models.Q(status="cancelled"),
                name="coop_registration_person_once",
            ),
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~models.Q(email="") & ~models.Q(status="cancelled"),
                name="coop_registration_email_once",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"], name="coop_reg_event_status"),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.full_name} — {self.event}"

    @property
    def organization_label(self) -> str:
        return self.organization.name if self.organization_id else self.organization_name


class Presentation(models.Model):
    """A presentation (tham luận) given at an event: its title, its authors (as printed,
    with the registry people among them when known) and its abstract, in the programme's
    order. The proceedings print them after the agenda."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="presentations"
    )
    title = models.CharField(_("title"), max_length=255)
    authors = models.CharField(
        _("authors"),
        max_length=500,
        help_text=_("As printed, e.g. “ThS. Nguyễn Văn A (Trường Đại học …)”."),
    )
    people = models.ManyToManyField(
        Person,
        verbose_name=_("authors in the registry"),
        blank=True,
        related_name="event_presentations",
    )
    abstract = models.TextField(_("abstract"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "event__lead_organizer"

    class Meta:
        ordering = ["event", "order", "id"]
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")

    def __str__(self) -> str:
        return self.title
