"""Administrative units after the 2025 reform: 34 provinces and their commune-level units."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.collation import sort_key
from ctxh.core.searchtext import search_text


class Province(models.Model):
    """A province or centrally-run city (34 since 1 July 2025); code as in the national list."""

    code = models.PositiveIntegerField(_("code"), primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(_("type"), max_length=40)
    codename = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    """A commune-level unit (ward, commune or special zone) — 168 in Ho Chi Minh City.

    There are no districts any more; records from before the reform may name a former
    district in free text on the record that refers to the ward.
    """

    class Kind(models.TextChoices):
        WARD = "phuong", _("Ward")
        COMMUNE = "xa", _("Commune")
        SPECIAL_ZONE = "dac_khu", _("Special zone")

    code = models.PositiveIntegerField(_("code"), primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    codename = models.CharField(max_length=100)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="wards"
    )
    search_text = models.CharField(max_length=200, db_index=True, editable=False)
    # The name in Vietnamese alphabetical order (ctxh.core.collation): ward lists sort by it.
    sort_key = models.CharField(max_length=255, editable=False, default="", blank=True)

    class Meta:
        ordering = ["sort_key", "code"]
        indexes = [models.Index(fields=["sort_key", "code"], name="geo_ward_sort_idx")]
        verbose_name = _("ward")
        verbose_name_plural = _("wards")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_name(self.name)
        self.search_text = search_text(self.name, self.code)
        self.sort_key = sort_key(self.name)
        super().save(*args, **kwargs)


def clean_name(name: str) -> str:
    """A unit's name with single spaces (the national list has "Phường  Rạch Dừa")."""
    return " ".join(str(name or "").split())
