"""Every organisation of the programme: the standing agency, ward offices, facilities,
schools, departments, unions, NGOs and Youth Volunteer Force units."""

from __future__ import annotations

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ctxh.core.collation import sort_key
from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.searchtext import search_text
from ctxh.core.validators import validate_vn_phone


class Sector(models.TextChoices):
    """The five sectors in which the city counts its social-work workforce (DOMAIN.md)."""

    FACILITIES = "facilities", _("Facilities under the department and Youth Volunteer Force")
    WARDS = "wards", _("Ward and commune offices")
    DEPARTMENTS = "departments", _("Other departments")
    ASSOCIATIONS = "associations", _("Associations and unions")
    NON_PUBLIC = "non_public", _("Non-public facilities, NGOs and foreign organisations")


class Kind(models.TextChoices):
    AGENCY = "agency", _("Standing agency")
    WARD_OFFICE = "ward_office", _("Ward/commune office")
    PUBLIC_FACILITY = "public_facility", _("Public social-assistance facility")
    REHAB_FACILITY = "rehab_facility", _("Drug rehabilitation facility")
    PRIVATE_FACILITY = "private_facility", _("Non-public social-assistance facility")
    SCHOOL = "school", _("University or academy")
    DEPARTMENT = "department", _("Department")
    ASSOCIATION = "association", _("Association or union")
    NGO = "ngo", _("NGO or foreign organisation")
    YOUTH_VOLUNTEER = "youth_volunteer", _("Youth Volunteer Force unit")


FACILITY_KINDS = frozenset({Kind.PUBLIC_FACILITY, Kind.REHAB_FACILITY, Kind.PRIVATE_FACILITY})

SECTOR_OF_KIND = {
    Kind.AGENCY: Sector.DEPARTMENTS,
    Kind.WARD_OFFICE: Sector.WARDS,
    Kind.PUBLIC_FACILITY: Sector.FACILITIES,
    Kind.REHAB_FACILITY: Sector.FACILITIES,
    Kind.YOUTH_VOLUNTEER: Sector.FACILITIES,
    Kind.PRIVATE_FACILITY: Sector.NON_PUBLIC,
    Kind.NGO: Sector.NON_PUBLIC,
    Kind.SCHOOL: Sector.DEPARTMENTS,
    Kind.DEPARTMENT: Sector.DEPARTMENTS,
    Kind.ASSOCIATION: Sector.ASSOCIATIONS,
}


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Public")
    NON_PUBLIC = "non_public", _("Non-public")


class ReferenceItem(models.Model):
    """A coded item of a reference list, named in Vietnamese and in English."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class TargetGroup(ReferenceItem):
    """A group of people a facility serves (children, elderly, people with disabilities, …)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class ServiceType(ReferenceItem):
    """A kind of social-work service a facility offers (counselling, care, case management…)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")


class OrganizationQuerySet(ScopedQuerySet):
    def facilities(self):
        return self.filter(kind__in=FACILITY_KINDS)

    def active(self):
        return self.filter(active=True)


code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9._-]*$",
    _("Use capital letters, digits, dot, dash or underscore (e.g. CSBTXH-01)."),
)


class Organization(models.Model):
    """An organisation that takes part in the programme and owns its part of the data.

    Its ``kind`` decides what it is (a facility, a school, a ward office…) and which sector
    its staff are counted in; ``ward`` is the commune-level unit where it is located.
    """

    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    ownership = models.CharField(
        _("ownership"), max_length=12, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    ward = models.ForeignKey(
        "geo.Ward",
        verbose_name=_("ward/commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    former_district = models.CharField(
        _("former district"),
        max_length=100,
        blank=True,
        help_text=_("Only for older records: the district named before 1 July 2025."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_vn_phone])
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    head_name = models.CharField(_("head of organisation"), max_length=150, blank=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    search_text = models.TextField(editable=False, default="")
    # The name in Vietnamese alphabetical order (ctxh.core.collation), for every list.
    sort_key = models.CharField(editable=False, max_length=255, default="", blank=True)

    objects = OrganizationQuerySet.as_manager()
    scope_organization_field = "id"
    scope_ward_field = "ward"

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["sort_key", "id"], name="organizations_org_sort_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_facility(self) -> bool:
        return self.kind in FACILITY_KINDS

    @property
    def sector(self) -> str:
        return SECTOR_OF_KIND[self.kind]

    def get_sector_display(self) -> str:
        return Sector(self.sector).label

    def refresh_search_text(self) -> None:
        self.search_text = search_text(
            self.code,
            self.name,
            self.short_name,
            self.address,
            self.former_district,
            self.ward.name if self.ward_id else "",
        )

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        self.sort_key = sort_key(self.name)
        super().save(*args, **kwargs)


class FacilityProfile(models.Model):
    """What a social-assistance facility offers: capacity, licence, target groups, services."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("facility"),
        on_delete=models.CASCADE,
        related_name="facility",
        primary_key=True,
    )
    capacity = models.PositiveIntegerField(
        _("capacity (people)"), default=0, validators=[MinValueValidator(0)]
    )
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    licence_date = models.DateField(_("licence date"), null=True, blank=True)
    licence_issuer = models.CharField(_("licence issued by"), max_length=150, blank=True)
    provides_social_work_services = models.BooleanField(
        _("provides social-work services"), default=False
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups served"), blank=True
    )
    services = models.ManyToManyField(ServiceType, verbose_name=_("services"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "organization"
    scope_ward_field = "organization__ward"

    class Meta:
        verbose_name = _("facility profile")
        verbose_name_plural = _("facility profiles")

    def __str__(self) -> str:
        return str(self.organization)
