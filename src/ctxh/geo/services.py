"""Loading the administrative units from the ``vietnam-provinces`` package."""

from __future__ import annotations

from django.db import transaction
from vietnam_provinces import Province as VnProvince
from vietnam_provinces import Ward as VnWard

from ctxh.core import audit

from .models import Province, Ward, clean_name

_KINDS = {"phường": Ward.Kind.WARD, "xã": Ward.Kind.COMMUNE, "đặc khu": Ward.Kind.SPECIAL_ZONE}


@transaction.atomic
def load_units(*, by=None, province_code: int) -> dict[str, int]:
    """Load all provinces and every commune-level unit of ``province_code``; idempotent.

    Returns counts of what was created and updated; an unchanged unit is not written.
    """
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
            Province.objects.create(code=int(vp.code), **values)
            counts["provinces_created"] += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            Province.objects.filter(pk=current.pk).update(**values)
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
            current.save()
            counts["updated"] += 1
    for ward in new:
        ward.save()
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
