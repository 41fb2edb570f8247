import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ctxh.core.models import AuditEvent
from ctxh.testing import assert_view_permissions, client_for
from ctxh.workforce.models import Employment, FieldInstructor, Person, PersonAccessLog
from ctxh.workforce.tests.factories import PersonFactory, employ, give_access_purpose

pytestmark = pytest.mark.django_db


# --- permissions of every view --------------------------------------------------------


def test_list_permissions(programme_user, manager_a, viewer, student_a):
    for user in (programme_user, manager_a, viewer):
        assert_view_permissions("/workforce/", allowed=user)
    assert_view_permissions("/workforce/", forbidden_role=student_a)


def test_detail_permissions(person_a, manager_a, manager_b, student_a, viewer):
    url = f"/workforce/{person_a.pk}/"
    assert_view_permissions(
        url, allowed=manager_a, other_organization=manager_b, forbidden_role=student_a
    )
    assert_view_permissions(url, allowed=viewer)


@pytest.mark.parametrize(
    "suffix", ["edit/", "employment/", "certificates/new/", "field-instructor/"]
)
def test_change_views_permissions(suffix, person_a, manager_a, manager_b, viewer):
    url = f"/workforce/{person_a.pk}/{suffix}"
    assert_view_permissions(
        url, allowed=manager_a, other_organization=manager_b, forbidden_role=viewer
    )


def test_employment_end_permissions(person_a, manager_a, manager_b, viewer):
    employment = person_a.employments.get()
    url = f"/workforce/{person_a.pk}/employment/{employment.pk}/end/"
    assert_view_permissions(
        url, allowed=manager_a, other_organization=manager_b, forbidden_role=viewer
    )


def test_create_permissions(programme_user, manager_a, viewer):
    assert_view_permissions("/workforce/new/", allowed=manager_a, forbidden_role=viewer)
    assert_view_permissions("/workforce/new/", allowed=programme_user)


def test_access_log_and_statistics_permissions(programme_user, viewer, manager_a):
    for url in ("/workforce/access-log/", "/workforce/statistics/"):
        assert_view_permissions(url, allowed=programme_user, forbidden_role=manager_a)
        assert_view_permissions(url, allowed=viewer)


def test_unknown_person_is_404(programme_user):
    assert client_for(programme_user).get("/workforce/987654/").status_code == 404


# --- list ------------------------------------------------------------------------------


def test_list_masks_cccd_and_is_scoped(manager_a, person_a, person_b):
    body = client_for(manager_a).get("/workforce/").content.decode()
    assert "079*******34" in body
    assert person_a.cccd not in body
    assert "Nguyễn Thị Ánh" in body and "Trần Văn Bảo" not in body


def test_search_is_accent_insensitive(programme_user, person_a, person_b):
    client = client_for(programme_user)
    for query in ("nguyen thi anh", "NGUYỄN ánh", "079190001234"):
        body = client.get("/workforce/", {"q": query}).content.decode()
        assert "Nguyễn Thị Ánh" in body, query
        assert "Trần Văn Bảo" not in body
    body = client.get("/workforce/", {"q": "khongtontai"}).content.decode()
    assert 'data-testid="count">0<' in body


def test_filters(programme_user, person_a, person_b, facility_b, ward_a):
    Person.objects.filter(pk=person_b.pk).update(professional_title="V.09.04.02")
    FieldInstructor.objects.create(person=person_a)
    client = client_for(programme_user)

    def names(**params):
        body = client.get("/workforce/", params).content.decode()
        return {n for n in ("Nguyễn Thị Ánh", "Trần Văn Bảo") if n in body}

    assert names(organization=facility_b.pk) == {"Trần Văn Bảo"}
    assert names(title="V.09.04.02") == {"Trần Văn Bảo"}
    assert names(title="none") == {"Nguyễn Thị Ánh"}
    assert names(field_instructor="yes") == {"Nguyễn Thị Ánh"}
    assert names(field_instructor="no") == {"Trần Văn Bảo"}
    body = client.get("/workforce/", {"field_instructor": "yes", "sector": "wards"}).content
    assert b'value="yes" selected' in body and b'value="wards" selected' in body
    assert names(sector="facilities") == {"Nguyễn Thị Ánh", "Trần Văn Bảo"}
    assert names(sector="wards") == set()
    assert names(ward=ward_a.pk) == {"Nguyễn Thị Ánh"}
    assert names(staff_type="collaborator") == set()
    assert names(sort="-current_organization") == {"Nguyễn Thị Ánh", "Trần Văn Bảo"}


def test_bad_query_parameters_do_not_500(programme_user, person_a):
    client = client_for(programme_user)
    for params in (
        {"organization": "abc"},
        {"sector": "nope"},
        {"page": "999"},
        {"page": "x"},
        {"sort": "nonexistent"},
        {"ward": "-1"},
        {"field_instructor": "maybe"},
    ):
        assert client.get("/workforce/", params).status_code in (200, 404), params


def test_list_query_count_does_not_grow_with_rows(programme_user, facility_a, facility_b):
    client = client_for(programme_user)
    for person in PersonFactory.create_batch(3):
        employ(person, facility_a)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/workforce/", {"q": "nguyen"}).status_code == 200
    for i, person in enumerate(PersonFactory.create_batch(60)):
        employ(person, facility_a if i % 2 else facility_b)
        if i % 3 == 0:
            FieldInstructor.objects.create(person=person)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/workforce/", {"q": "nguyen"}).status_code == 200
    assert len(small) >= 3
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


# --- detail and the access log ---------------------------------------------------------


def test_full_cccd_only_for_allowed_roles_and_views_are_logged(
    person_a, manager_a, programme_user, viewer
):
    url = f"/workforce/{person_a.pk}/"
    body = client_for(manager_a).get(url).content.decode()
    assert person_a.cccd in body
    assert not PersonAccessLog.objects.exists()  # own organisation: not logged
    programme = client_for(programme_user)
    give_access_purpose(programme, person_a)
    body = programme.get(url).content.decode()
    assert person_a.cccd in body
    viewer_client = client_for(viewer)
    give_access_purpose(viewer_client, person_a)
    body = viewer_client.get(url).content.decode()
    assert person_a.cccd not in body and "079*******34" in body
    assert PersonAccessLog.objects.filter(person=person_a).count() == 2
    log = client_for(programme_user).get("/workforce/access-log/").content.decode()
    assert log.count("Nguyễn Thị Ánh") >= 2
    assert person_a.cccd not in log


def test_detail_shows_history_certificates_and_instructor(programme_user, person_a, facility_b):
    Employment.objects.filter(person=person_a).update(end_date=dt.date(2022, 12, 31))
    employ(person_a, facility_b, start=dt.date(2023, 1, 1), position="Trưởng nhóm")
    FieldInstructor.objects.create(person=person_a, trained_in_supervision=True, max_students=5)
    client = client_for(programme_user)
    give_access_purpose(client, person_a)
    body = client.get(f"/workforce/{person_a.pk}/").content.decode()
    assert "31/12/2022" in body and "01/01/2023" in body and "Trưởng nhóm" in body
    assert 'data-testid="instructor-badge"' in body


# --- writing through the pages ---------------------------------------------------------


def test_manager_registers_a_person_in_own_organisation(manager_a, facility_a, facility_b):
    client = client_for(manager_a)
    data = {
        "full_name": "Phạm Văn Cường",
        "gender": "male",
        "date_of_birth": "02/03/2001",
        "cccd": "079 201 000 555",
        "staff_type": "staff",
        "major": "social_work",
        "consent_date": "15/08/2024",
        "phone": "+84 90 123 4567",
        "job-organization": facility_a.pk,
        "job-start_date": "01/09/2024",
        "job-position": "Nhân viên",
    }
    response = client.post("/workforce/new/", {**data, "job-organization": facility_b.pk})
    assert response.status_code == 200 and not Person.objects.exists()
    response = client.post("/workforce/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get()
    assert person.cccd == "079201000555" and person.consent_date == dt.date(2024, 8, 15)
    assert person.phone == "0901234567"  # kept in the national form
    assert person.current_organization == facility_a


def test_invalid_cccd_is_a_field_error_not_500(programme_user):
    client = client_for(programme_user)
    data = {"full_name": "A", "gender": "female", "date_of_birth": "02/03/2001"}
    for cccd in ("079201000555", "12345", "000201000555"):
        response = client.post("/workforce/new/", {**data, "cccd": cccd})
        assert response.status_code == 200
        assert "invalid-feedback" in response.content.decode()
    assert not Person.objects.exists()


def test_edit_move_end_certificate_and_instructor_pages(manager_a, person_a, facility_a):
    client = client_for(manager_a)
    base = f"/workforce/{person_a.pk}/"
    response = client.post(
        base + "edit/",
        {
            "full_name": "Nguyễn Thị Ánh",
            "gender": "female",
            "date_of_birth": "01/01/1990",
            "cccd": person_a.cccd,
            "staff_type": "collaborator",
            "phone": "0909000111",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person_a.refresh_from_db()
    assert person_a.staff_type == "collaborator" and person_a.consent_at is None
    response = client.post(
        base + "employment/",
        {"organization": facility_a.pk, "start_date": "01/01/2010", "position": "x"},
    )
    assert response.status_code == 200  # before the current one: a form error
    response = client.post(
        base + "employment/",
        {"organization": facility_a.pk, "start_date": "01/01/2025", "position": "Phó phòng"},
    )
    assert response.status_code == 302
    current = person_a.employments.get(end_date__isnull=True)
    assert client.get(f"{base}employment/{current.pk}/end/").status_code == 200  # confirmation
    response = client.post(f"{base}employment/{current.pk}/end/", {"end_date": "30/06/2025"})
    assert response.status_code == 302
    person_a.refresh_from_db()
    assert person_a.current_organization is None
    assert person_a.employments.count() == 2


def test_certificate_and_instructor_pages(manager_a, person_a):
    client = client_for(manager_a)
    base = f"/workforce/{person_a.pk}/"
    response = client.post(
        base + "certificates/new/",
        {"kind": "supervision_training", "number": "KH-9", "issued_on": "05/05/2024"},
    )
    assert response.status_code == 302
    response = client.post(
        base + "field-instructor/",
        {
            "trained_in_supervision": "on",
            "since": "01/06/2024",
            "max_students": "4",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert person_a.field_instructor.max_students == 4
    response = client.post(base + "field-instructor/", {"max_students": "0"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="certificate.add").count() == 1


def test_viewer_cannot_probe_for_a_citizen_id(viewer, programme_user, person_a, person_b):
    body = client_for(viewer).get("/workforce/", {"q": person_a.cccd}).content.decode()
    assert "Nguyễn Thị Ánh" not in body and "Trần Văn Bảo" not in body  # no ID to match
    body = client_for(programme_user).get("/workforce/", {"q": person_a.cccd}).content.decode()
    assert "Nguyễn Thị Ánh" in body and "Trần Văn Bảo" not in body


def test_access_log_of_one_person(programme_user, viewer, person_a, person_b):
    viewer_client = client_for(viewer)
    give_access_purpose(viewer_client, person_a, "other", "Xác minh hồ sơ khen thưởng")
    give_access_purpose(viewer_client, person_b)
    viewer_client.get(f"/workforce/{person_a.pk}/")
    viewer_client.get(f"/workforce/{person_b.pk}/")
    client = client_for(programme_user)
    give_access_purpose(client, person_b)
    detail = client.get(f"/workforce/{person_b.pk}/").content.decode()
    assert f"/workforce/access-log/?person={person_b.pk}" in detail, detail[detail.find("<main") :][
        :1500
    ]
    body = client.get("/workforce/access-log/", {"person": person_a.pk}).content.decode()
    assert "Nguyễn Thị Ánh" in body and "Trần Văn Bảo" not in body
    assert "Khác — Xác minh hồ sơ khen thưởng" in body  # the purpose, in the log
    assert client.get("/workforce/access-log/", {"person": "x"}).status_code == 200


@pytest.mark.parametrize("sort", ["", "full_name", "-full_name", "current_organization"])
def test_pages_of_namesakes_neither_repeat_nor_skip(programme_user, facility_a, sort):
    import re

    for person in PersonFactory.create_batch(30, full_name="Nguyễn Văn Trùng"):
        employ(person, facility_a)
    client = client_for(programme_user)
    seen = []
    for page in (1, 2):
        body = client.get("/workforce/", {"page": page, "sort": sort}).content.decode()
        seen += re.findall(r'href="/workforce/(\d+)/"', body)
    assert len(seen) == 30 and len(set(seen)) == 30


def test_person_form_refuses_a_short_phone_and_a_future_consent(manager_a, person_a):
    client = client_for(manager_a)
    data = {
        "full_name": "Nguyễn Thị Ánh",
        "gender": "female",
        "date_of_birth": "17/05/1990",
        "cccd": person_a.cccd,
        "staff_type": "staff",
    }
    future = (dt.date.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    for bad in ({"phone": "0901"}, {"phone": "12345678901"}, {"consent_date": future}):
        response = client.post(f"/workforce/{person_a.pk}/edit/", {**data, **bad})
        assert response.status_code == 200
        assert "invalid-feedback" in response.content.decode(), bad
    person_a.refresh_from_db()
    assert person_a.phone == "" and person_a.consent_at is None
    body = client.get(f"/workforce/{person_a.pk}/").content.decode()
    assert 'data-testid="consent-missing"' in body and "chưa ghi nhận" in body
    response = client.post(
        f"/workforce/{person_a.pk}/edit/",
        {**data, "phone": "090 765 4321", "consent_date": "05/01/2026"},
    )
    assert response.status_code == 302
    person_a.refresh_from_db()
    assert person_a.phone == "0907654321" and person_a.consent_date == dt.date(2026, 1, 5)
    body = client.get(f"/workforce/{person_a.pk}/").content.decode()
    assert "05/01/2026" in body and 'data-testid="consent-missing"' not in body
    # saved again without touching the date: the recorded moment is kept
    moment = person_a.consent_at
    client.post(f"/workforce/{person_a.pk}/edit/", {**data, "consent_date": "05/01/2026"})
    person_a.refresh_from_db()
    assert person_a.consent_at == moment
