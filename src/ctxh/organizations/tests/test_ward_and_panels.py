"""Which ward a facility sits in is the programme office's to change; the facility's
sections of the organisation page come through the panel slot; the network's reads and the
headcount service ask the one scope question."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from ctxh.core import panels
from ctxh.core.models import AuditEvent
from ctxh.organizations.models import Organization
from ctxh.organizations.selectors import latest_counts
from ctxh.organizations.services import can_submit, headcount_submit, organization_update
from ctxh.testing import client_for, make_user

pytestmark = pytest.mark.django_db


def _edit_data(org, **changes):
    """Every field of the edit form as it stands, with ``changes`` applied."""
    data = {
        "name": org.name,
        "short_name": org.short_name,
        "former_district": org.former_district,
        "address": org.address,
        "phone": org.phone,
        "email": org.email,
        "website": org.website,
        "head_name": org.head_name,
        "facility-capacity": str(org.facility.capacity),
        "facility-licence_number": org.facility.licence_number,
        "facility-licence_issuer": org.facility.licence_issuer,
    }
    data.update(changes)
    return data


def _updates(org):
    return AuditEvent.objects.filter(action="organization.update", object_id=str(org.pk))


def test_facility_manager_cannot_move_its_facility_to_another_ward(
    facility_a, manager_a, ward_a, ward_b
):
    client = client_for(manager_a)
    form = client.get(f"/organizations/{facility_a.pk}/edit/").content.decode()
    assert 'name="ward"' not in form and 'name="name"' in form
    response = client.post(
        f"/organizations/{facility_a.pk}/edit/", _edit_data(facility_a, ward=ward_b.pk)
    )
    assert response.status_code == 302
    facility_a.refresh_from_db()
    assert facility_a.ward_id == ward_a.pk
    assert facility_a.name == "Trung tâm Bảo trợ Nguyễn Trãi"
    assert not _updates(facility_a).exists()  # nothing changed, nothing recorded


def test_service_refuses_a_ward_change_by_a_facility_manager(facility_a, manager_a, ward_a, ward_b):
    with pytest.raises(PermissionDenied):
        organization_update(organization=facility_a, by=manager_a, data={"ward": ward_b})
    assert Organization.objects.get(pk=facility_a.pk).ward_id == ward_a.pk
    assert not _updates(facility_a).exists()
    # the ward it already has may be passed along with the fields a manager may change
    organization_update(
        organization=facility_a, by=manager_a, data={"ward": ward_a, "phone": "028 3812 3456"}
    )
    facility_a.refresh_from_db()
    assert (facility_a.ward_id, facility_a.phone) == (ward_a.pk, "028 3812 3456")


def test_programme_office_moves_a_facility_to_another_ward(
    facility_a, programme_user, ward_a, ward_b
):
    client = client_for(programme_user)
    form = client.get(f"/organizations/{facility_a.pk}/edit/").content.decode()
    assert 'name="ward"' in form
    data = _edit_data(
        facility_a,
        code=facility_a.code,
        kind=facility_a.kind,
        ownership=facility_a.ownership,
        active="on",
        ward=ward_b.pk,
    )
    assert client.post(f"/organizations/{facility_a.pk}/edit/", data).status_code == 302
    facility_a.refresh_from_db()
    assert facility_a.ward_id == ward_b.pk
    event = _updates(facility_a).get()
    assert (event.old_values["ward_id"], event.new_values["ward_id"]) == (ward_a.pk, ward_b.pk)


def test_the_facility_sections_come_through_the_panel_slot(
    facility_a, agency, programme_user, manager_b
):
    keys = [p.key for p in panels.registered("organization_detail")]
    assert keys.index("facility") < keys.index("headcounts") < keys.index("staff")
    client = client_for(programme_user)
    body = client.get(f"/organizations/{facility_a.pk}/").content.decode()
    assert 'data-testid="panel-facility"' in body and 'data-testid="panel-headcounts"' in body
    assert body.index('data-testid="panel-facility"') < body.index('data-testid="panel-staff"')
    assert 'class="col-lg-6"><div class="card" data-testid="panel-facility"' in body
    body = client.get(f"/organizations/{agency.pk}/").content.decode()
    assert 'data-testid="panel-facility"' not in body and "panel-headcounts" not in body
    # the page itself knows nothing of facilities: without the panel, no facility section
    facility_panel = next(
        p for p in panels.registered("organization_detail") if p.key == "facility"
    )
    panels.unregister("organization_detail", "facility")
    try:
        body = client.get(f"/organizations/{facility_a.pk}/").content.decode()
        assert 'data-testid="facility"' not in body and 'data-testid="headcounts"' in body
    finally:
        panels.register("organization_detail", facility_panel)


def test_headcount_scope_is_the_one_scope_question(facility_a, facility_b, manager_a, ward_a):
    assert can_submit(manager_a, facility_a) and not can_submit(manager_a, facility_b)
    officer = make_user(
        "ward_officer",
        Organization.objects.create(
            code="WARD-OFF", name="UBND phường", kind="ward_office", ward=ward_a
        ),
    )
    assert not can_submit(officer, facility_a)  # ward officers read headcounts, never record


def test_latest_counts_read_only_what_the_user_may_see(
    facility_a, programme_user, manager_a, manager_b
):
    june = dt.date(2025, 6, 30)
    headcount_submit(by=manager_a, facility=facility_a, period_end=june, counts={"children": 7})
    period, counts = latest_counts(user=programme_user, facility=facility_a)
    assert period == june and list(counts.values()) == [7]
    assert latest_counts(user=manager_b, facility=facility_a) == (None, {})
