"""The acceptance pages: what each user sees (only what the procedure needs), bulk
decisions from the proposals page, another facility's placement not found, constant
query counts, the facility's board section, the overdue list and the Excel list."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ctxh.practicum.models import Placement, Student
from ctxh.testing import client_for

from .acceptance_helpers import propose

pytestmark = pytest.mark.django_db

PROPOSALS = reverse("practicum:proposals")


def test_proposals_show_only_what_the_procedure_needs(permission_world):
    w = permission_world
    Student.objects.filter(pk=w.placement_a.student_id).update(
        email="mai.rieng@example.vn", phone="0909123456"
    )
    html = client_for(w.manager_a).get(PROPOSALS).content.decode()
    assert "Đỗ Thị Mai" in html
    assert "Bùi Văn Nam" not in html  # facility B's proposal
    assert "mai.rieng@example.vn" not in html and "0909123456" not in html
    assert 'name="instructor_' in html and "Võ Thị Kiểm" in html


def test_another_facility_is_not_found(permission_world):
    w = permission_world
    manager_b = client_for(w.manager_b)
    for url in (PROPOSALS, reverse("practicum:accepted")):
        assert manager_b.get(url, {"facility": w.facility_a.pk}).status_code == 404
        assert manager_b.get(url, {"facility": "x"}).status_code == 404
    detail = reverse("practicum:placement_detail", args=[w.placement_b.pk])
    assert client_for(w.manager_a).get(detail).status_code == 404
    assert client_for(w.coordinator).get(detail).status_code == 404
    programme = client_for(w.programme)
    assert "Đỗ Thị Mai" in programme.get(PROPOSALS, {"facility": w.facility_a.pk}).content.decode()
    picker = programme.get(PROPOSALS).content.decode()
    assert "Cơ sở A" in picker and "Cơ sở B" in picker


def test_a_student_sees_only_themself(permission_world):
    w = permission_world
    own = client_for(w.past_student_a)
    page = own.get(reverse("practicum:placement_detail", args=[w.placement_a.pk]))
    assert page.status_code == 200 and "Đỗ Thị Mai" in page.content.decode()
    assert 'data-testid="accept"' not in page.content.decode()  # no decision buttons
    other = propose(w, 1)[0]
    assert own.get(reverse("practicum:placement_detail", args=[other.pk])).status_code == 404


def test_bulk_accept_and_decline_from_the_page(permission_world):
    w = permission_world
    more = propose(w, 2)
    client = client_for(w.manager_a)
    ids = [w.placement_a.pk, more[0].pk]
    data = {"action": "accept", "placement": ids}
    data.update({f"instructor_{pk}": w.past_instructor_a.pk for pk in ids})
    response = client.post(PROPOSALS, data, follow=True)
    assert "2" in response.content.decode()
    assert set(Placement.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "accepted"
    }
    # The instructor is full now: accepting the third names the student, writes nothing.
    response = client.post(
        PROPOSALS,
        {
            "action": "accept",
            "placement": [more[1].pk],
            f"instructor_{more[1].pk}": w.past_instructor_a.pk,
        },
        follow=True,
    )
    assert more[1].student.full_name in response.content.decode()
    assert Placement.objects.get(pk=more[1].pk).status == "proposed"
    # Declining needs a reason.
    client.post(PROPOSALS, {"action": "decline", "placement": [more[1].pk], "reason": ""})
    assert Placement.objects.get(pk=more[1].pk).status == "proposed"
    client.post(PROPOSALS, {"action": "decline", "placement": [more[1].pk], "reason": "Hết chỗ"})
    assert Placement.objects.get(pk=more[1].pk).status == "declined"


def test_detail_shows_the_history_and_the_buttons(permission_world):
    w = permission_world
    client = client_for(w.manager_a)
    url = reverse("practicum:placement_detail", args=[w.placement_a.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="accept"' in html and 'data-testid="decline"' in html
    client.post(
        reverse("practicum:placement_accept", args=[w.placement_a.pk]),
        {"instructor": w.past_instructor_a.pk},
    )
    html = client.get(url).content.decode()
    assert 'data-testid="accept"' not in html
    assert 'data-testid="history"' in html and "Võ Thị Kiểm" in html
    assert client_for(w.instructor_a).get(url).status_code == 200


def test_decline_without_reason_is_a_message_not_an_error(permission_world):
    w = permission_world
    response = client_for(w.manager_a).post(
        reverse("practicum:placement_decline", args=[w.placement_a.pk]), {"reason": ""}, follow=True
    )
    assert response.status_code == 200
    assert Placement.objects.get(pk=w.placement_a.pk).status == "proposed"


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_proposals_page_query_count_is_constant(permission_world):
    w = permission_world
    client = client_for(w.manager_a)
    client.get(PROPOSALS)
    propose(w, 3)
    small = _count(client, PROPOSALS)
    propose(w, 40)
    assert _count(client, PROPOSALS) == small
    assert _count(client, reverse("practicum:accepted")) <= small


def test_accepted_list_and_its_excel(permission_world):
    w = permission_world
    client = client_for(w.manager_a)
    client.post(
        reverse("practicum:placement_accept", args=[w.placement_a.pk]),
        {"instructor": w.past_instructor_a.pk},
    )
    html = client.get(reverse("practicum:accepted")).content.decode()
    assert "Đỗ Thị Mai" in html and "Võ Thị Kiểm" in html
    response = client.get(reverse("practicum:accepted"), {"format": "xlsx"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên" and rows[1][0] == "Đỗ Thị Mai" and rows[1][6] == "Võ Thị Kiểm"


def test_overdue_list_and_remind_now(permission_world):
    w = permission_world
    client = client_for(w.programme)
    html = client.get(reverse("practicum:overdue")).content.decode()
    assert "Cơ sở A" in html and "Cơ sở B" in html
    response = client.post(
        reverse("practicum:remind"), {"period": w.past_period.pk, "facility": w.facility_a.pk}
    )
    assert response.status_code == 302
    assert Placement.objects.get(pk=w.placement_a.pk).reminded_at is not None
    assert Placement.objects.get(pk=w.placement_b.pk).reminded_at is None


def test_board_facility_section(permission_world):
    w = permission_world
    board = reverse("practicum:board")
    html = client_for(w.manager_a).get(board, {"period": w.past_period.pk}).content.decode()
    assert 'data-testid="board-facility"' in html and 'data-testid="decide"' in html
    assert 'data-testid="pending">1<' in html
    # The programme office has its own section, not this one.
    html = client_for(w.programme).get(board, {"period": w.past_period.pk}).content.decode()
    assert 'data-testid="board-facility"' not in html
    # A field instructor sees the students accepted with them (matched by name).
    w.instructor_a.full_name = "Võ Thị Kiểm"
    w.instructor_a.save()
    client_for(w.manager_a).post(
        reverse("practicum:placement_accept", args=[w.placement_a.pk]),
        {"instructor": w.past_instructor_a.pk},
    )
    html = client_for(w.instructor_a).get(board, {"period": w.past_period.pk}).content.decode()
    assert 'data-testid="my-students"' in html and "Đỗ Thị Mai" in html
    assert 'data-testid="decide"' not in html
