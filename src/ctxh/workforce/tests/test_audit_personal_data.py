"""The citizen ID never reaches the audit trail in clear, whatever path writes it; the
update helper records what changed; record_many writes like record."""

import copy
import datetime as dt
import json

import pytest

from ctxh.core import audit
from ctxh.core.importing import commit, get_kind
from ctxh.core.importing.testing import headers_of, xlsx
from ctxh.core.models import AuditEvent
from ctxh.core.scoping import SYSTEM
from ctxh.workforce import bulk, services
from ctxh.workforce.cccd import compose_cccd
from ctxh.workforce.models import Person
from ctxh.workforce.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

FIRST = compose_cccd(province=79, gender="female", birth_year=1995, serial=777)
SECOND = compose_cccd(province=79, gender="female", birth_year=1995, serial=888)


def _trail() -> str:
    return json.dumps(list(AuditEvent.objects.values("old_values", "new_values", "object_repr")))


def test_no_path_writes_a_clear_cccd(programme_user, facility_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = services.person_create(
        by=programme_user,
        data={
            "full_name": "Lê Thị Hoa",
            "gender": "female",
            "date_of_birth": dt.date(1995, 3, 2),
            "cccd": FIRST,
        },
        employment={"organization": facility_a, "start_date": dt.date(2024, 1, 1)},
    )
    services.person_update(person=person, by=programme_user, data={"cccd": SECOND})
    # The update is recorded as a change of the ID, masked on both sides.
    event = AuditEvent.objects.get(action="person.update")
    assert event.new_values == {"cccd": "079*******88"}
    assert event.old_values == {"cccd": "079*******77"}
    # The bulk path (imports): an update that sets the ID.
    other = PersonFactory(cccd=None, gender="female", date_of_birth=dt.date(1995, 1, 1))
    candidate = copy.copy(other)
    third = compose_cccd(province=79, gender="female", birth_year=1995, serial=999)
    candidate.cccd = third
    bulk.people_import(
        by=SYSTEM,
        changes=[bulk.PersonChange(person=candidate, changed=["cccd"], old={"cccd": None})],
    )
    # A whole Excel import through the engine.
    kind = get_kind("people")
    row = dict.fromkeys(c.key for c in kind.columns)
    fourth = compose_cccd(province=79, gender="male", birth_year=1990, serial=4)
    row.update(
        full_name="Trần Văn Nam",
        gender="Nam",
        date_of_birth="17/05/1990",
        organization="FAC-A",
        cccd=fourth,
    )
    commit(kind, xlsx(tmp_path / "p.xlsx", headers_of(kind), [list(row.values())]), user=SYSTEM)
    # Direct calls of the API with a cccd key, at any depth.
    audit.record(actor=SYSTEM, action="x", new={"rows": [{"cccd": FIRST}]})
    audit.record_many(
        actor=SYSTEM, events=[{"action": "y", "obj": person, "old": {"cccd": SECOND}}]
    )
    trail = _trail()
    for value in (FIRST, SECOND, third, fourth):
        assert value not in trail
    assert "079*******99" in trail
    assert audit.snapshot(Person.objects.get(pk=person.pk))["cccd"] == "079*******88"


def test_tracking_records_only_changes_and_nothing_on_error(programme_user, person_a):
    with audit.tracking(person_a, actor=programme_user, action="t") as change:
        person_a.phone = "0909111222"
        person_a.save()
        change.organization = person_a.current_organization
    event = change.event
    assert (event.old_values, event.new_values) == ({"phone": ""}, {"phone": "0909111222"})
    assert event.organization_id == person_a.current_organization_id
    with audit.tracking(person_a, actor=programme_user, action="t") as unchanged:
        person_a.save()
    assert unchanged.event is None
    with pytest.raises(RuntimeError), audit.tracking(person_a, actor=programme_user, action="t"):
        person_a.phone = "1"
        raise RuntimeError
    assert AuditEvent.objects.filter(action="t").count() == 1


def test_record_many_writes_like_record(programme_user, person_a):
    one = audit.record(actor=programme_user, action="a", obj=person_a, new={"phone": "1"})
    audit.record_many(
        actor=programme_user, events=[{"action": "a", "obj": person_a, "new": {"phone": "1"}}]
    )
    two = AuditEvent.objects.filter(action="a").latest("id")
    fields = (
        "actor",
        "actor_label",
        "object_type",
        "object_id",
        "object_repr",
        "new_values",
        "source",
    )
    assert [getattr(one, f) for f in fields] == [getattr(two, f) for f in fields]


def test_migration_masks_ids_written_in_clear_before(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("ctxh.workforce.migrations.0005_mask_cccd_in_audit_trail")
    old = AuditEvent.objects.create(
        action="person.update",
        old_values={"cccd": FIRST},
        new_values={"cccd": SECOND, "phone": "1"},
    )
    other = AuditEvent.objects.create(action="x", new_values={"phone": "1"})
    migration.mask_trail(apps, None)
    old.refresh_from_db()
    assert old.old_values == {"cccd": "079*******77"}
    assert old.new_values == {"cccd": "079*******88", "phone": "1"}
    other.refresh_from_db()
    assert other.new_values == {"phone": "1"}
