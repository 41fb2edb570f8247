"""Loading the administrative units: the operator's work, validated, audited once."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from ctxh.core.models import AuditEvent
from ctxh.core.scoping import SYSTEM
from ctxh.geo import services
from ctxh.geo.models import Province, Ward
from ctxh.testing import make_user

pytestmark = pytest.mark.django_db


def test_load_units_runs_as_the_operator_and_is_idempotent(programme_user):
    with pytest.raises(PermissionDenied):
        services.load_units(by=programme_user, province_code=settings.CTXH_PROVINCE)
    assert not Ward.objects.exists() and not AuditEvent.objects.exists()
    counts = services.load_units(province_code=settings.CTXH_PROVINCE)  # SYSTEM by default
    assert counts["provinces_created"] == 34 and counts["wards_created"] > 100
    assert AuditEvent.objects.get().action == "geo.load_units"
    root = make_user(superuser=True)
    assert services.load_units(by=root, province_code=settings.CTXH_PROVINCE) == {
        "provinces_created": 0,
        "wards_created": 0,
        "updated": 0,
    }
    assert AuditEvent.objects.count() == 1


def test_an_invalid_unit_is_refused_and_nothing_is_written():
    Province.objects.create(
        code=int(settings.CTXH_PROVINCE), name="x" * 100, division_type="t", codename="c"
    )
    Province.objects.filter(code=int(settings.CTXH_PROVINCE)).update(name="")
    # The stored province differs from the package: its update is validated and written.
    services.load_units(by=SYSTEM, province_code=settings.CTXH_PROVINCE)
    assert Province.objects.get(code=int(settings.CTXH_PROVINCE)).name != ""
    assert services._valid(Province(code=1, name="Hà Nội", division_type="t", codename="c"))
    with pytest.raises(ValidationError):
        services._valid(Ward(code=1, name="", kind="nonsense", codename="c", province_id=1))
