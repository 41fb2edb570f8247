"""The class, catalogue and enrolment pages: lists at a constant number of queries,
search and filters, bad input shown as messages, the home page's to-dos."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from ctxh.testing import client_for
from ctxh.training.models import Course, Enrollment, TrainingClass
from ctxh.workforce.tests.factories import PersonFactory, employ

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(permission_world):
    return permission_world


def _classes(w, n, start=0):
    today = dt.date.today()
    made = []
    for i in range(start, start + n):
        course = Course.objects.create(
            code=f"KH-{i}", title=f"Khóa {i}", topic="Kỹ năng", hours=8, level="skills"
        )
        klass = TrainingClass.objects.create(
            course=course,
            code=f"LOP-{i}",
            name=f"Lớp tập huấn {i}",
            organizer=w.trainer_org if i % 2 else w.trainer_org_b,
            starts_on=today,
            ends_on=today,
            capacity=5,
            funding="programme",
        )
        person = PersonFactory()
        Enrollment.objects.create(training_class=klass, person=person, status="accepted")
        made.append(klass)
    return made


def _count_queries(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_class_list_query_count_is_constant(w, django_assert_max_num_queries):
    client = client_for(w.trainer)
    url = reverse("training:index")
    _classes(w, 2)
    few = _count_queries(client, url, django_assert_max_num_queries)
    _classes(w, 30, start=2)
    with django_assert_max_num_queries(few):
        response = client.get(url + "?sort=-filled")
    assert response.status_code == 200
    assert response.content.decode().count('href="/training/classes/') >= 25


def test_class_list_search_filters_and_places(w):
    _classes(w, 3)
    client = client_for(w.programme)
    url = reverse("training:index")
    page = client.get(url, {"q": "LOP TAP HUAN 1"}).content.decode()
    assert "Lớp tập huấn 1" in page and "Lớp tập huấn 2" not in page
    page = client.get(url, {"q": "co ban"}).content.decode()  # the course's title
    assert w.training_class.name in page
    page = client.get(url, {"status": "open"}).content.decode()
    assert w.training_class.name in page and "Lớp tập huấn 1" not in page
    page = client.get(url, {"organizer": w.trainer_org_b.pk}).content.decode()
    assert "Lớp tập huấn 0" in page and "Lớp tập huấn 1" not in page
    page = client.get(url, {"year": str(dt.date.today().year)}).content.decode()
    assert "Lớp tập huấn 1" in page
    # The accepted count over the capacity.
    assert "1/30" in client.get(url, {"q": "PERM-LOP-1"}).content.decode()


def test_class_detail_query_count_is_constant(w, django_assert_max_num_queries):
    client = client_for(w.trainer)
    url = reverse("training:class_detail", args=[w.training_class.pk])
    few = _count_queries(client, url, django_assert_max_num_queries)
    for _ in range(20):
        person = PersonFactory()
        employ(person, w.facility_a)
        Enrollment.objects.create(
            training_class=w.training_class, person=person, organization=w.facility_a
        )
    with django_assert_max_num_queries(few):
        page = client.get(url).content.decode()
    assert page.count('name="enrollments"') >= 21


def test_class_detail_shows_decisions_only_to_the_organiser(w):
    Enrollment.objects.create(
        training_class=w.training_class, person=w.person_b, organization=w.facility_b
    )
    url = reverse("training:class_detail", args=[w.training_class.pk])
    organiser = client_for(w.trainer).get(url).content.decode()
    assert 'name="enrollments"' in organiser and "Trần Văn Bảo" in organiser
    facility = client_for(w.manager_a).get(url).content.decode()
    assert 'name="enrollments"' not in facility
    assert "Trần Văn Bảo" not in facility  # another facility's staff
    assert reverse("training:withdraw", args=[w.enrollment_a.pk]) in facility


def test_decide_page_puts_the_overflow_on_the_waiting_list(w):
    TrainingClass.objects.filter(pk=w.training_class.pk).update(capacity=2)
    rows = []
    for _ in range(3):
        person = PersonFactory()
        employ(person, w.facility_a)
        rows.append(
            Enrollment.objects.create(
                training_class=w.training_class, person=person, organization=w.facility_a
            )
        )
    response = client_for(w.trainer).post(
        reverse("training:decide", args=[w.training_class.pk]),
        {"enrollments": [r.pk for r in rows], "to": "accepted"},
        follow=True,
    )
    statuses = [Enrollment.objects.get(pk=r.pk).status for r in rows]
    assert statuses == ["accepted", "waitlisted", "waitlisted"]  # A already holds a place
    assert 'data-testid="waiting-list"' in response.content.decode()


def test_nominate_page_refuses_staff_of_another_organisation(w):
    url = reverse("training:nominate", args=[w.training_class.pk])
    client = client_for(w.programme)
    page = client.get(url, {"q": "tran van"}).content.decode()
    assert "Trần Văn Bảo" in page
    before = Enrollment.objects.count()
    response = client_for(w.manager_a).post(url, {"people": [w.person_b.pk]}, follow=True)
    assert response.status_code == 200
    assert Enrollment.objects.count() == before
    staff = client_for(w.manager_a).get(url).content.decode()
    assert "Trần Văn Bảo" not in staff and "Nguyễn Thị Ánh" in staff


def test_session_outside_the_class_dates_is_a_form_error(w):
    klass = w.training_class
    response = client_for(w.trainer).post(
        reverse("training:session_create", args=[klass.pk]),
        {
            "date": (klass.ends_on + dt.timedelta(days=3)).strftime("%d/%m/%Y"),
            "starts_at": "08:00",
            "ends_at": "10:00",
        },
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert klass.sessions.count() == 1


def test_class_form_shows_the_completion_rule_error(w):
    from .test_permissions import _class_data

    response = client_for(w.trainer).post(
        reverse("training:class_create"), _class_data(w, min_attendance="120")
    )
    assert response.status_code == 200
    assert "120" in response.content.decode()
    assert not TrainingClass.objects.filter(code="PERM-LOP-MOI").exists()


def test_cancel_needs_a_reason(w):
    url = reverse("training:class_transition", args=[w.training_class.pk])
    client_for(w.trainer).post(url, {"to": "cancelled", "reason": ""})
    w.training_class.refresh_from_db()
    assert w.training_class.status == "open"
    client_for(w.trainer).post(url, {"to": "cancelled", "reason": "Thiếu giảng viên"})
    w.training_class.refresh_from_db()
    assert w.training_class.status == "cancelled"


def test_course_list_search_and_filters(w):
    Course.objects.create(
        code="TV-1", title="Tham vấn tâm lý", topic="Tham vấn", hours=16, level="awareness"
    )
    client = client_for(w.viewer)
    url = reverse("training:courses")
    page = client.get(url, {"q": "tham van"}).content.decode()
    assert "Tham vấn tâm lý" in page and "Công tác xã hội cơ bản" not in page
    page = client.get(url, {"level": "skills"}).content.decode()
    assert "Công tác xã hội cơ bản" in page and "Tham vấn tâm lý" not in page
    page = client.get(url, {"provider": w.trainer_org.pk}).content.decode()
    assert "Công tác xã hội cơ bản" in page and "Tham vấn tâm lý" not in page
    assert reverse("training:course_edit", args=[w.course.pk]) not in page  # a viewer


def test_home_todos(w):
    from ctxh.training.panels import home_todos

    Enrollment.objects.create(
        training_class=w.training_class, person=w.person_b, organization=w.facility_b
    )
    with translation.override("en"):
        organiser = home_todos(None, w.trainer)
    assert [t["label"] for t in organiser] == ["1 nomination awaits your decision"]
    assert organiser[0]["url"] == reverse("training:class_detail", args=[w.training_class.pk])
    ward = home_todos(None, w.ward_officer_a)
    assert ward[0]["url"] == reverse("training:nominate", args=[w.training_class.pk])
    assert w.training_class.name in ward[0]["label"]
    assert home_todos(None, w.viewer) == []
