"""The social-work workforce: people, where they work (and worked), their certificates,
their field-instructor status, who looked at their personal data, and the Decision 112
targets the workforce is measured against.

The field names here are a contract shared with the Excel import/export: do not rename.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctxh.core.collation import name_sort_key
from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.searchtext import search_text
from ctxh.core.validators import normalize_phone, validate_vn_phone
from ctxh.organizations.models import SECTOR_OF_KIND, Sector

from .cccd import mask_cccd, validate_cccd
from .choices import Gender as Gender  # re-exported with the other choices


def consent_moment(day: dt.date | None) -> dt.datetime | None:
    """``consent_at`` for a consent given on ``day`` (the start of that day, local time)."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class EducationLevel(models.TextChoices):
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    INTERMEDIATE = "intermediate", _("Intermediate (vocational)")
    COLLEGE = "college", _("College")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTORATE = "doctorate", _("Doctorate")


class Major(models.TextChoices):
    SOCIAL_WORK = "social_work", _("Social work")
    OTHER = "other", _("Other")


class ProfessionalTitle(models.TextChoices):
    NONE = "", _("No professional title")
    GRADE_II = "V.09.04.01", _("Principal social worker (grade II, V.09.04.01)")
    GRADE_III = "V.09.04.02", _("Social worker (grade III, V.09.04.02)")
    GRADE_IV = "V.09.04.03", _("Social-work staff (grade IV, V.09.04.03)")


class StaffType(models.TextChoices):
    STAFF = "staff", _("Staff member")
    COLLABORATOR = "collaborator", _("Collaborator")


class CertificateKind(models.TextChoices):
    SOCIAL_WORK_TRAINING = "social_work_training", _("Social-work training")
    SUPERVISION_TRAINING = "supervision_training", _("Supervision (field instruction) training")
    PROFESSIONAL_TITLE = "professional_title", _("Professional title standard")
    OTHER = "other", _("Other")


def _unindexed(term: str):
    """The ordering ``term`` as a no-op expression the database will not serve by an index."""
    expression = models.Func(models.F(term.lstrip("-")), template="COALESCE(%(expressions)s, NULL)")
    return expression.desc() if term.startswith("-") else expression.asc()


class PersonQuerySet(ScopedQuerySet):
    """People; :meth:`page` loads a page of a long list in two steps: first the ids of the
    page, in order, from the narrow index (sort_key, id), then those rows with everything
    the queryset asks for (``select_related``, ``prefetch_related``, annotations). Deep
    pages and sorted pages then never join or carry wide rows they skip. The list's table
    pages this way through ``workforce.tables.TwoStepPageData``.
    """

    _scan_for_order = False

    def scan_for_order(self):
        """For a search: sort the (few) matches rather than walk the name index.

        Walking the (sort_key, id) index in order and testing every row against the
        search is fast when most rows match and slow when few do (SQLite then reads half
        the table at random to find 25 "Nguyễn"); wrapping the first ordering term in a
        no-op ``COALESCE(x, NULL)`` makes the database filter first, then sort.
        """
        clone = self.all()
        clone._scan_for_order = True
        return clone

    def _clone(self):
        # The one flag of this queryset follows it through filter(), order_by()...
        clone = super()._clone()
        clone._scan_for_order = self._scan_for_order
        return clone

    def _page_ids(self, k: slice) -> list:
        ids = self.values_list("pk", flat=True)
        ordering = list(self.query.order_by)  # read like django-tables2 reads it
        wrap = set()
        if self._scan_for_order and ordering and isinstance(ordering[0], str):
            wrap.add(0)
        if ordering not in (["sort_key", "id"], ["-sort_key", "-id"]):
            # A sort no index serves: the id tie-break as a bare column makes SQLite scan
            # the table through the wrong index (60 ms instead of 10 at 50,000 people).
            wrap |= {i for i, term in enumerate(ordering) if term in {"id", "-id", "pk", "-pk"}}
        if wrap:
            ids = ids.order_by(
                *(_unindexed(term) if i in wrap else term for i, term in enumerate(ordering))
            )
        return list(ids[k])

    def page(self, k: slice) -> list[Person]:
        """The rows of the slice ``k`` of this queryset, in order, in two queries (plus one
        per ``prefetch_related`` lookup, whatever the page size)."""
        ids = self._page_ids(k)
        if not ids:
            return []
        by_id = {row.pk: row for row in self.filter(pk__in=ids).order_by()}
        return [by_id[pk] for pk in ids if pk in by_id]

    def in_sector(self, sector: str):
        kinds = [kind for kind, s in SECTOR_OF_KIND.items() if s == sector]
        return self.filter(current_organization__kind__in=kinds)


class Person(models.Model):
    """A social-work staff member or collaborator known to the programme.

    ``current_organization`` is a denormalised copy of the organisation of the person's open
    employment, kept by the services, so the people list needs no join over the history.
    ``cccd`` is the citizen ID: personal data, masked everywhere except the detail page of
    users allowed to see it. It is never part of ``search_text``: only users who may see
    IDs find a person by one, and only by the whole number (see ``selectors.person_search``).
    ``sort_key`` puts people in the order of Vietnamese lists (given name, then family and
    middle names, in Vietnamese alphabetical order; :mod:`ctxh.core.collation`).
    """

    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    cccd = models.CharField(
        _("citizen ID (CCCD)"), max_length=12, unique=True, null=True, blank=True
    )
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[validate_vn_phone],
        help_text=_("A Vietnamese number: 10 digits starting with 0, or +84…"),
    )
    email = models.EmailField(_("email"), blank=True)
    education_level = models.CharField(
        _("education level"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    major = models.CharField(_("major"), max_length=20, choices=Major.choices, blank=True)
    major_detail = models.CharField(_("major (detail)"), max_length=150, blank=True)
    professional_title = models.CharField(
        _("professional title"),
        max_length=12,
        choices=ProfessionalTitle.choices,
        blank=True,
        default="",
        db_index=True,
    )
    staff_type = models.CharField(
        _("staff or collaborator"),
        max_length=12,
        choices=StaffType.choices,
        default=StaffType.STAFF,
        db_index=True,
    )
    current_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("current organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="current_people",
    )
    search_text = models.TextField(editable=False, default="")
    sort_key = models.CharField(editable=False, max_length=255, default="", blank=True)
    # The person's own account, when they have one: they see their own training,
    # certificates and, as a field instructor, their students.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    consent_at = models.DateTimeField(
        _("consent recorded at"),
        null=True,
        blank=True,
        help_text=_("When the person's consent to process their personal data was recorded."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()
    scope_organization_field = "current_organization"
    scope_ward_field = "current_organization__ward"

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            # The list's default order (Vietnamese name order, id) and its per-organisation
            # variant: both let the database walk an index for a page instead of sorting
            # 50,000 rows.
            models.Index(fields=["sort_key", "id"], name="workforce_person_sort_idx"),
            # A search reads the matches' rank and order from this index alone (SQLite
            # scans it instead of the wide table; the count uses it too).
            models.Index(fields=["search_text", "sort_key"], name="workforce_person_search_idx"),
            models.Index(
                fields=["current_organization", "sort_key"], name="workforce_person_org_sort"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def birth_year(self) -> int | None:
        return self.date_of_birth.year if self.date_of_birth else None

    @property
    def consent_date(self) -> dt.date | None:
        """The day consent was given (the registry records the day, as on the paper form)."""
        return timezone.localdate(self.consent_at) if self.consent_at else None

    @property
    def masked_cccd(self) -> str:
        return mask_cccd(self.cccd)

    def clean(self) -> None:
        """Cross-check the citizen ID with the gender and the year of birth; the phone is
        kept in its national form (``0901234567``)."""
        self.cccd = (self.cccd or "").strip().replace(" ", "") or None
        self.phone = normalize_phone(self.phone) if self.phone else ""
        self.full_name = " ".join((self.full_name or "").split())
        if self.cccd:
            try:
                validate_cccd(self.cccd, gender=self.gender or None, birth_year=self.birth_year)
            except ValidationError as error:
                raise ValidationError({"cccd": error.messages}) from error

    def refresh_search_text(self) -> None:
        """Recompute the derived columns: ``search_text`` (without the citizen ID, which
        must never be matched inside) and ``sort_key``."""
        self.search_text = search_text(self.full_name, self.phone, self.email)
        self.sort_key = name_sort_key(self.full_name)

    def save(self, *args, **kwargs):
        self.cccd = self.cccd or None  # an empty ID is "none yet", never a duplicate ""
        self.refresh_search_text()
        super().save(*args, **kwargs)


class Employment(models.Model):
    """A period in which a person works for an organisation in a position.

    ``end_date`` empty means the employment is current; a person has at most one open
    employment, and the history is kept when they move.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="employments"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="employments",
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "organization"
    scope_ward_field = "organization__ward"

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(end_date__isnull=True),
                name="workforce_one_open_employment",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="workforce_employment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.organization}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None

    @property
    def sector(self) -> str:
        """The sector the person counts in while in this employment (from the organisation)."""
        return SECTOR_OF_KIND[self.organization.kind]

    def get_sector_display(self) -> str:
        return Sector(self.sector).label


class Certificate(models.Model):
    """A certificate a person holds: social-work training, supervision training, title…"""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=CertificateKind.choices)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "person__current_organization"
    scope_ward_field = "person__current_organization__ward"

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()


class FieldInstructor(models.Model):
    """A person's status as a field instructor (kiểm huấn viên) who supervises students."""

    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="field_instructor",
    )
    trained_in_supervision = models.BooleanField(_("trained in supervision"), default=False)
    since = models.DateField(_("field instructor since"), null=True, blank=True)
    max_students = models.PositiveSmallIntegerField(
        _("students at once (maximum)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    active = models.BooleanField(_("active"), default=True, db_index=True)
    # The account this instructor signs in with (approving logbooks, agreements). Empty:
    # the practicum falls back to matching the person's e-mail address.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="field_instructor_record",
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "person__current_organization"
    scope_ward_field = "person__current_organization__ward"

    class Meta:
        verbose_name = _("field instructor")
        verbose_name_plural = _("field instructors")

    def __str__(self) -> str:
        return str(self.person)


class AccessPurpose(models.TextChoices):
    """Why a user of another organisation opens a person's personal data (asked first)."""

    CHECKING = "checking", _("Checking")
    REPORTING = "reporting", _("Statistics and reporting")
    INSPECTION = "inspection", _("Inspection and supervision")
    COOPERATION = "cooperation", _("Professional cooperation")
    OTHER = "other", _("Other")


class PersonAccessLog(models.Model):
    """One view of a person's data by a user of another organisation (access to personal
    data, recorded as the personal-data law requires): which page (``page``) and why
    (``purpose``, with ``purpose_detail`` in the user's words, required for "other")."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="access_logs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("user's organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)
    page = models.CharField(_("page"), max_length=200, blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=AccessPurpose.choices, blank=True
    )
    purpose_detail = models.CharField(_("purpose (in words)"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "person__current_organization"

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self) -> str:
        return f"{self.user} → {self.person} ({self.viewed_at:%d/%m/%Y %H:%M})"

    @property
    def purpose_text(self) -> str:
        """The purpose as the log shows it: the reason, then the user's words."""
        parts = [str(self.get_purpose_display()) if self.purpose else "", self.purpose_detail]
        return " — ".join(part for part in parts if part)


class WorkforceTarget(models.Model):
    """A target share of the programme (Decision 112/QĐ-TTg and the city's plan), as data.

    ``indicator`` names what is measured; ``percent`` is the share to reach by ``year``.
    Targets change, so they are edited in the admin, never in code.
    """

    class Indicator(models.TextChoices):
        WARDS_WITH_STAFF = "wards_with_staff", _("Wards/communes with social-work staff")
        FACILITIES_WITH_STAFF = (
            "facilities_with_staff",
            _("Facilities with social-work staff"),
        )
        WORKFORCE_TRAINED = (
            "workforce_trained",
            _("Workforce trained in the last years"),
        )

    indicator = models.CharField(_("indicator"), max_length=40, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    percent = models.DecimalField(
        _("target (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("workforce target")
        verbose_name_plural = _("workforce targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="workforce_target_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.year}: {self.percent}%"
