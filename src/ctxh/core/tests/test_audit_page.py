"""The audit page reads as sentences: phrases, labels, local times, names, masked CCCDs."""

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from ctxh.core import audit, audit_actions
from ctxh.core.audit_display import mask_cccd, present
from ctxh.core.models import AuditEvent
from ctxh.core.scoping import SYSTEM
from ctxh.testing import client_for, make_user
from ctxh.workforce import services as workforce_services
from ctxh.workforce.tests.factories import PersonFactory, employ

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    """present() is called outside a request too: in the interface's default language."""
    with translation.override("vi"):
        yield


def _event(**kwargs):
    """An audit event as a service writes it (through ctxh.core.audit.record)."""
    with audit.audit_context(source=kwargs.pop("source", AuditEvent.Source.WEB)):
        return audit.record(**kwargs)


@pytest.fixture
def person_a(facility_a):
    person = PersonFactory(full_name="Trần Thị Bích")
    employ(person, facility_a)
    return person


def _rows(page):
    return page.context["rows"]


def test_a_person_edit_reads_as_a_sentence(programme_user, person_a, facility_a):
    programme_user.full_name = "Lê Văn Phúc"
    programme_user.save()
    workforce_services.person_update(
        person=person_a,
        by=programme_user,
        data={"education_level": "master", "date_of_birth": dt.date(1990, 2, 3)},
    )
    page = client_for(programme_user).get("/audit/")
    assert page.status_code == 200
    row = _rows(page)[0]
    assert row.action == "Sửa thông tin người"
    assert row.actor == f"Lê Văn Phúc ({programme_user.username})"
    assert row.actor_organizations == "Sở Y tế"
    assert row.organization == "Trung tâm Bảo trợ Nguyễn Trãi"
    assert row.object_url == f"/workforce/{person_a.pk}/"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", row.when)
    local = timezone.localtime(row.event.created_at)
    assert row.when == local.strftime("%d/%m/%Y %H:%M")
    changes = {c.label: (c.old, c.new) for c in row.changes}
    assert changes["trình độ"] == ("Đại học", "Thạc sĩ")
    assert changes["ngày sinh"] == ("17/05/1990", "03/02/1990")
    html = page.content.decode()
    assert "Sửa thông tin người" in html
    assert f'href="/workforce/{person_a.pk}/"' in html
    assert "person.update" not in html.split("<table")[1]  # no raw code in the table


def test_ids_are_never_grouped_and_foreign_keys_show_names(programme_user, facility_a, facility_b):
    event = _event(
        actor=programme_user,
        action="person.update",
        object_type="workforce.person",
        object_id=26743,
        object_repr="Ngô Văn Số",
        old={"current_organization_id": facility_a.pk},
        new={"current_organization_id": facility_b.pk},
    )
    [row] = present([AuditEvent.objects.select_related("actor").get(pk=event.pk)], programme_user)
    assert row.object_id == "26743"
    [change] = row.changes
    assert (change.old, change.new) == ("Trung tâm Bảo trợ Nguyễn Trãi", "Mái ấm Hoa Hồng")
    event.new_values = {"current_organization_id": 26743}
    [row] = present([event], programme_user)
    assert row.changes[0].new == "26743"


def test_cccd_is_masked_on_display_even_if_written_in_clear(programme_user):
    event = _event(
        actor=programme_user,
        action="person.update",
        object_type="workforce.person",
        object_id=1,
        object_repr="Người 079090000123",
        old={"cccd": "079090000123"},
        new={"cccd": "079190000456", "phone": "0901234567"},
    )
    [row] = present([event], programme_user)
    assert row.object_label == "Người 079*******23"
    changes = {c.label: (c.old, c.new) for c in row.changes}
    assert changes["số CCCD"] == ("079*******23", "079*******56")
    assert changes["điện thoại"][1] == "0901234567"  # ten digits: not a CCCD
    page = client_for(programme_user).get("/audit/").content.decode()
    assert "079090000123" not in page and "079190000456" not in page
    assert mask_cccd("a1234567890123b") == "a1234567890123b"  # 13+ digits: not a CCCD


def test_commands_and_jobs_are_named(programme_user):
    _event(
        actor=SYSTEM,
        action="geo.load_units",
        object_type="geo.ward",
        source=AuditEvent.Source.COMMAND,
    )
    _event(actor=SYSTEM, action="person.bulk_load", source=AuditEvent.Source.JOB)
    rows = _rows(client_for(programme_user).get("/audit/"))
    assert [r.actor for r in rows] == ["hệ thống", "dòng lệnh"]
    assert rows[1].action == "Nạp danh mục đơn vị hành chính"


def test_unknown_codes_still_read_as_words(programme_user):
    assert audit_actions.label("organization.delete", "organizations.organization") == (
        "Đã xoá: tổ chức"
    )
    assert audit_actions.label("import.people") == "Nhập dữ liệu từ Excel: Nhân lực CTXH"
    with translation.override("en"):
        assert audit_actions.label("person.update") == "Edited a person's details"
        assert audit_actions.label("import.organizations") == "Imported data from Excel: Tổ chức"


def _codes_in_source() -> set[str]:
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""(?:action=|"action": )"([a-z_]+\.[a-z_.]+)\"""")
    codes = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        codes.update(pattern.findall(path.read_text()))
    return codes


def test_every_action_code_in_the_code_has_a_phrase():
    codes = _codes_in_source()
    assert {"person.update", "organization.create", "membership.grant"} <= codes
    described = set(audit_actions.known_codes())
    assert codes - described == set()
    for code in described:
        assert audit_actions.label(code) != code


def test_search_ignores_accents_over_object_actor_and_action(programme_user, facility_a):
    other = make_user("programme_office", facility_a, username="ha.pham")
    other.full_name = "Phạm Thị Hà"
    other.save()
    _event(actor=programme_user, action="organization.update", obj=facility_a)
    _event(actor=other, action="person.create", object_type="workforce.person", object_repr="X")
    client = client_for(programme_user)

    def found(q):
        return [r.event.action for r in _rows(client.get("/audit/", {"q": q}))]

    assert found("nguyen trai") == ["organization.update"]
    assert found("NGUYỄN TRÃI") == ["organization.update"]
    assert found("pham thi ha") == ["person.create"]
    assert found("sua thong tin to chuc") == ["organization.update"]
    assert found("them nguoi") == ["person.create"]
    assert found("khong co gi") == []


def test_filters_by_organisation_actor_action_and_period(
    programme_user, facility_a, facility_b, settings
):
    other = make_user("programme_office", facility_b, username="tuan")
    other.full_name = "Đỗ Minh Tuấn"
    other.save()
    first = _event(
        actor=programme_user, action="organization.update", obj=facility_a, organization=facility_a
    )
    second = _event(
        actor=other, action="organization.create", obj=facility_b, organization=facility_b
    )
    # 23:30 on 1 March in Hồ Chí Minh City is 16:30 UTC: it belongs to 1 March locally.
    tz = timezone.get_current_timezone()
    AuditEvent.objects.filter(pk=first.pk).update(
        created_at=dt.datetime(2025, 3, 1, 23, 30, tzinfo=tz)
    )
    AuditEvent.objects.filter(pk=second.pk).update(
        created_at=dt.datetime(2025, 3, 2, 0, 10, tzinfo=tz)
    )
    client = client_for(programme_user)

    def ids(**params):
        return [r.event.pk for r in _rows(client.get("/audit/", params))]

    assert ids(organization=facility_a.pk) == [first.pk]
    assert ids(actor="do minh") == [second.pk]
    assert ids(action="organization.create") == [second.pk]
    assert ids(since="01/03/2025", until="01/03/2025") == [first.pk]
    assert ids(since="02/03/2025", until="02/03/2025") == [second.pk]
    assert ids(until="28/02/2025") == []
    page = client.get("/audit/", {"until": "28/02/2025"}).content.decode()
    assert 'data-testid="audit-empty"' in page


def test_bad_filter_values_answer_with_the_form_not_a_500(programme_user):
    page = client_for(programme_user).get(
        "/audit/", {"since": "32/13/2025", "organization": "abc", "action": "nope", "page": "x"}
    )
    assert page.status_code == 200


def test_links_only_to_objects_the_user_may_see(programme_user, manager_a, person_a, facility_b):
    stranger = PersonFactory(full_name="Ở Nơi Khác")
    employ(stranger, facility_b)
    mine = _event(actor=programme_user, action="person.update", obj=person_a)
    theirs = _event(actor=programme_user, action="person.update", obj=stranger)
    rows = present(AuditEvent.objects.filter(pk__in=[mine.pk, theirs.pk]), manager_a)
    urls = {r.event.pk: r.object_url for r in rows}
    assert urls == {mine.pk: f"/workforce/{person_a.pk}/", theirs.pk: None}


def test_query_count_does_not_grow_with_rows(programme_user, facility_a, facility_b, person_a):
    client = client_for(programme_user)
    client.get("/audit/")  # warm the session and caches

    def make(n):
        for i in range(n):
            _event(
                actor=programme_user,
                action="person.update",
                obj=person_a,
                organization=facility_a,
                old={"current_organization_id": facility_a.pk},
                new={"current_organization_id": facility_b.pk, "gender": "female"},
            )
            _event(
                actor=programme_user,
                action="organization.update",
                obj=facility_b,
                organization=facility_b,
                new={"name": f"Tên {i}"},
            )
            _event(
                actor=SYSTEM,
                action="import.people",
                object_type="core.import",
                object_repr="nhan-luc.xlsx",
                new={"counts": {"new": i}},
            )

    from django.db import connection

    make(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/audit/").status_code == 200
    make(15)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/audit/")
    assert len(page.context["rows"]) == 51 - 1  # a full page
    assert len(many) == len(few), [q["sql"] for q in many]


def test_export_csv_and_excel_carry_the_readable_rows(programme_user, person_a):
    workforce_services.person_update(
        person=person_a, by=programme_user, data={"education_level": "master"}
    )
    client = client_for(programme_user)
    response = client.get("/audit/export.csv", {"action": "person.update"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == [
        "Thời gian",
        "Người thực hiện",
        "Tổ chức của người thực hiện",
        "Thao tác",
    ]
    assert len(rows) == 2
    assert rows[1][3] == "Sửa thông tin người"
    assert rows[1][6] == str(person_a.pk)
    assert "trình độ: Đại học → Thạc sĩ" in rows[1][8]
    response = client.get("/audit/export.xlsx", {"action": "person.update"})
    data = b"".join(response.streaming_content)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "Sửa thông tin người" in sheet
    assert client.get("/audit/export.pdf").status_code == 404


def test_export_is_for_the_same_roles_as_the_page(manager_a):
    assert client_for(manager_a).get("/audit/export.csv").status_code == 403


def test_the_page_in_english(programme_user, person_a):
    workforce_services.person_update(
        person=person_a, by=programme_user, data={"education_level": "master"}
    )
    client = client_for(programme_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/audit/")
    row = page.context["rows"][0]
    assert row.action == "Edited a person's details"
    assert {c.label for c in row.changes} == {"education level"}
    assert row.changes[0].new == "Master"
    assert "Audit trail" in page.content.decode()


def test_a_related_rows_field_is_named_and_quantities_are_grouped(programme_user, facility_a):
    event = _event(
        actor=programme_user,
        action="organization.update",
        obj=facility_a,
        old={"facility.capacity": 120, "name": "Cũ"},
        new={"facility.capacity": 1200, "name": "Mới"},
    )
    [row] = present([event], programme_user)
    changes = {c.label: (c.old, c.new) for c in row.changes}
    assert changes["công suất (người)"] == ("120", "1.200")
    assert changes["tên"] == ("Cũ", "Mới")
    assert row.object_url == f"/organizations/{facility_a.pk}/"


def test_search_text_is_stored_for_single_and_bulk_writes(programme_user):
    from ctxh.core.audit import record_many as audit_events

    programme_user.full_name = "Võ Thị Sáu"
    programme_user.save()
    event = _event(
        actor=programme_user,
        action="person.update",
        object_type="workforce.person",
        object_id=7,
        object_repr="Người 079090000123",
    )
    event.refresh_from_db()
    assert "vo thi sau" in event.search_text
    assert "nguoi 079*******23" in event.search_text
    assert "079090000123" not in event.search_text
    audit_events(actor=programme_user, events=[{"action": "person.create", "obj": programme_user}])
    bulk = AuditEvent.objects.get(action="person.create")
    assert "vo thi sau" in bulk.search_text
