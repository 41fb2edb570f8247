"""Loading the administrative units from the ``vietnam-provinces`` package."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from vietnam_provinces import Province as VnProvince
from vietnam_provinces import Ward as VnWard

from ctxh.core import audit
from ctxh.core.scoping import SYSTEM

from .models import Province, Ward, clean_name

_KINDS = {"phường": Ward.Kind.WARD, "xã": Ward.Kind.COMMUNE, "đặc khu": Ward.Kind.SPECIAL_ZONE}


def _valid(unit):
    # Primary keys are the official codes: an existing code is an update, not a clash.
    unit.full_clean(exclude=["search_text"], validate_unique=False)
    return unit


@transaction.atomic
def load_units(*, by=SYSTEM, province_code: int) -> dict[str, int]:
    """Load all provinces and every commune-level unit of ``province_code``; idempotent.

    Run by the operator (``SYSTEM``: the command and the demo loader) or a superuser; each
    unit is validated before it is written. Returns counts of what was created and
    updated; an unchanged unit is not written.
    """
    if by is not SYSTEM and not getattr(by, "is_superuser", False):
        raise PermissionDenied
    counts = {"provinces_created": 0, "wards_created": 0, "updated": 0}
    existing_p = {p.code: p for p in Province.objects.all()}
    for vp in VnProvince.iter_all():
        values = {
            "name": vp.name,
            "division_type": vp.division_type.value,
            "codename": vp.codename,
        }
        current = existing_p.get(int(vp.code))
        if current is None:
            _valid(Province(code=int(vp.code), **values)).save(force_insert=True)
            counts["provinces_created"] += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            _valid(current).save()
            counts["updated"] += 1
    existing_w = {w.code: w for w in Ward.objects.filter(province_id=province_code)}
    new = []
    for vw in VnWard.iter_by_province(province_code):
        values = {
            "name": clean_name(vw.name),
            "kind": _KINDS[vw.division_type.value],
            "codename": vw.codename,
            "province_id": province_code,
        }
        current = existing_w.get(int(vw.code))
        if current is None:
            new.append(Ward(code=int(vw.code), **values))
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            _valid(current).save()
            counts["updated"] += 1
    for ward in new:
        _valid(ward).save(force_insert=True)
    counts["wards_created"] = len(new)
    if any(counts.values()):
        audit.record(
            actor=by,
            action="geo.load_units",
            object_type="geo.ward",
            object_repr=f"province {province_code}",
            new=counts,
        )
    return counts
