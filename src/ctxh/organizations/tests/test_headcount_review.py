"""Figures the programme office can trust: a headcount above the capacity or ±50 % against
the previous period needs a confirmation with a reason, then waits for review (accept /
return with a comment); the accepted totals leave it out and show it as provisional."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ctxh.core.models import AuditEvent
from ctxh.core.transitions import IllegalTransition
from ctxh.organizations.models import ResidentCount, TargetGroup
from ctxh.organizations.selectors import (
    city_residents_total,
    facility_reporting,
    headcount_review_queue,
    next_due,
    provisional_residents,
    residents_totals,
    returned_headcounts,
)
from ctxh.organizations.services import (
    HeadcountNeedsConfirmation,
    headcount_accept,
    headcount_return,
    headcount_submit,
)
from ctxh.testing import make_user

pytestmark = pytest.mark.django_db

DEC = dt.date(2025, 12, 31)
JUNE = dt.date(2026, 6, 30)
LATER = dt.date(2026, 9, 30)


@pytest.fixture
def history(facility_a, programme_user):
    """Facility A (capacity 2.000) cared for 1.000 children and 400 elderly in December."""
    groups = TargetGroup.objects.filter(code__in=["children", "elderly"])
    facility_a.facility.target_groups.set(groups)
    facility_a.facility.capacity = 2000
    facility_a.facility.save()
    headcount_submit(
        by=programme_user,
        facility=facility_a,
        period_end=DEC,
        counts={"children": 1000, "elderly": 400},
    )
    return facility_a


def _flag(facility, by, count=1600, **kwargs):
    return headcount_submit(
        by=by,
        facility=facility,
        period_end=JUNE,
        counts={"children": count, "elderly": 400},
        confirmed=True,
        reason=kwargs.pop("reason", "Tiếp nhận trẻ từ mái ấm giải thể"),
        **kwargs,
    )


def test_a_large_change_needs_confirmation_with_vietnamese_numbers(history, manager_a):
    rows, events = ResidentCount.objects.count(), AuditEvent.objects.count()
    with pytest.raises(HeadcountNeedsConfirmation) as caught:
        headcount_submit(
            by=manager_a,
            facility=history,
            period_end=JUNE,
            counts={"children": 1600, "elderly": 400},
        )
    [finding] = caught.value.findings
    assert finding.check == "large_change" and (finding.previous, finding.new) == (1000, 1600)
    assert (
        finding.message
        == "Trẻ em có hoàn cảnh đặc biệt: 1.600 người so với 1.000 vào ngày 31/12/2025 (+60 %)."
    )
    assert (ResidentCount.objects.count(), AuditEvent.objects.count()) == (rows, events)


def test_a_confirmation_without_a_reason_writes_nothing(history, manager_a, client):
    rows, events = ResidentCount.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        _flag(history, manager_a, reason="   ")
    assert "reason" in caught.value.message_dict
    client.force_login(manager_a)
    response = client.post(
        f"/organizations/{history.pk}/headcount/",
        {
            "period_end": "30/06/2026",
            "group_children": "1600",
            "group_elderly": "400",
            "confirm": "on",
            "reason": "",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hãy cho biết vì sao số liệu này đúng" in page
    assert 'data-testid="reason-error"' in page
    assert (ResidentCount.objects.count(), AuditEvent.objects.count()) == (rows, events)


def test_the_form_shows_the_warning_then_records_for_review(history, manager_a, client):
    client.force_login(manager_a)
    url = f"/organizations/{history.pk}/headcount/"
    data = {"period_end": "30/06/2026", "group_children": "2500", "group_elderly": "400"}
    response = client.post(url, data)
    page = response.content.decode()
    assert 'data-testid="headcount-warning"' in page
    assert "2.900 đối tượng là vượt công suất 2.000 người của cơ sở." in page
    assert (
        "Trẻ em có hoàn cảnh đặc biệt: 2.500 người so với 1.000 vào ngày 31/12/2025 (+150 %)."
        in page
    )
    assert not ResidentCount.objects.filter(period_end=JUNE).exists()
    response = client.post(url, {**data, "confirm": "on", "reason": "Mở thêm khu nhà mới"})
    assert response.status_code == 302
    rows = {r.target_group.code: r for r in ResidentCount.objects.filter(period_end=JUNE)}
    children = rows["children"]
    assert children.status == "pending_review"
    assert children.check_codes == ["over_capacity", "large_change"]
    assert (children.previous_count, children.capacity, children.facility_total) == (
        1000,
        2000,
        2900,
    )
    assert children.confirmation_reason == "Mở thêm khu nhà mới"
    # The capacity check flags the whole submission's changed figures.
    assert rows["elderly"].status == "pending_review" and rows["elderly"].check_codes == [
        "over_capacity"
    ]
    event = AuditEvent.objects.filter(action="headcount.submit").latest("id")
    assert event.new_values["awaiting_review"] == ["children", "elderly"]


def test_pending_figures_are_provisional_until_accepted(history, manager_a, programme_user):
    _flag(history, manager_a)
    # June's accepted figures: the 400 elderly (no check fired); the 1.600 children await
    # review and count apart, as provisional.
    assert city_residents_total(JUNE, programme_user) == 400
    assert city_residents_total(DEC, programme_user) == 1400
    provisional = provisional_residents(user=programme_user, as_of=JUNE)
    assert (provisional.people, provisional.entries, provisional.facilities) == (1600, 1, 1)
    totals = residents_totals(user=programme_user, as_of=JUNE)
    assert totals.total == 400 and totals.provisional.people == 1600
    [entry] = headcount_review_queue(user=programme_user)
    headcount_accept(entry=entry, by=programme_user)
    assert city_residents_total(JUNE, programme_user) == 2000
    assert provisional_residents(user=programme_user, as_of=JUNE).entries == 0
    event = AuditEvent.objects.get(action="residentcount.accept")
    assert event.old_values["status"] == "pending_review"
    assert event.new_values["status"] == "accepted"
    assert event.actor == programme_user


def test_return_needs_a_comment_and_the_facility_sees_it(
    history, manager_a, programme_user, client
):
    _flag(history, manager_a)
    entry = ResidentCount.objects.get(status="pending_review")
    with pytest.raises(ValidationError) as caught:
        headcount_return(entry=entry, by=programme_user, comment=" ")
    assert "review_comment" in caught.value.message_dict
    assert ResidentCount.objects.get(pk=entry.pk).status == "pending_review"
    headcount_return(entry=entry, by=programme_user, comment="Đề nghị gửi kèm quyết định")
    assert list(returned_headcounts(user=manager_a)) == [entry]
    client.force_login(manager_a)
    form = client.get(f"/organizations/{history.pk}/headcount/").content.decode()
    assert "Đề nghị gửi kèm quyết định" in form
    home = client.get("/").content.decode()
    assert 'data-testid="returned-todo"' in home and "Đề nghị gửi kèm quyết định" in home
    detail = client.get(f"/organizations/{history.pk}/").content.decode()
    assert 'data-testid="flagged-returned"' in detail
    # A returned figure counts nowhere; the correction replaces it (and is accepted: no
    # check fires at 1.200).
    assert city_residents_total(JUNE, programme_user) == 400
    assert provisional_residents(user=programme_user, as_of=JUNE).entries == 0
    result = headcount_submit(
        by=manager_a, facility=history, period_end=JUNE, counts={"children": 1200}
    )
    assert result.created[0].supersedes_id == entry.pk and result.flagged == []
    assert list(returned_headcounts(user=manager_a)) == []
    assert city_residents_total(JUNE, programme_user) == 1600


def test_resubmitting_a_returned_figure_asks_again(history, manager_a, programme_user):
    _flag(history, manager_a)
    entry = ResidentCount.objects.get(status="pending_review")
    headcount_return(entry=entry, by=programme_user, comment="Kiểm tra lại")
    with pytest.raises(HeadcountNeedsConfirmation):
        headcount_submit(by=manager_a, facility=history, period_end=JUNE, counts={"children": 1600})
    again = _flag(history, manager_a, reason="Đã kiểm tra: đúng, kèm quyết định số 12")
    assert [r.status for r in again.created] == ["pending_review"]


def test_review_moves_are_the_table_s_and_the_programme_office_s(
    history, manager_a, programme_user
):
    _flag(history, manager_a)
    entry = ResidentCount.objects.get(status="pending_review")
    with pytest.raises(PermissionDenied):
        headcount_accept(entry=entry, by=manager_a)  # may not review its own figures
    viewer = make_user("viewer", programme_user.memberships.first().organization)
    with pytest.raises(PermissionDenied):
        headcount_return(entry=entry, by=viewer, comment="Không")
    headcount_accept(entry=entry, by=programme_user, comment="Đã xác minh")
    with pytest.raises(IllegalTransition) as caught:
        headcount_return(entry=entry, by=programme_user, comment="Nhầm")
    assert "không thể chuyển từ" in caught.value.messages[0]
    accepted = ResidentCount.objects.filter(status="accepted", period_end=DEC).first()
    with pytest.raises(IllegalTransition):
        headcount_accept(entry=accepted, by=programme_user)
    assert AuditEvent.objects.filter(action__startswith="residentcount.").count() == 1


def test_a_corrected_pending_figure_leaves_the_queue(history, manager_a, programme_user):
    _flag(history, manager_a)
    entry = ResidentCount.objects.get(status="pending_review")
    headcount_submit(by=manager_a, facility=history, period_end=JUNE, counts={"children": 1100})
    assert list(headcount_review_queue(user=programme_user)) == []
    with pytest.raises(ValidationError):
        headcount_accept(entry=entry, by=programme_user)


def test_review_page_lists_and_decides_one_by_one(history, manager_a, programme_user, client):
    _flag(history, manager_a)
    entry = ResidentCount.objects.get(status="pending_review")
    client.force_login(programme_user)
    page = client.get("/organizations/headcounts/reviews/").content.decode()
    assert history.name in page and "1.600" in page and "Tiếp nhận trẻ từ mái ấm giải thể" in page
    assert "2.000" in page  # the capacity
    response = client.post(
        f"/organizations/headcounts/{entry.pk}/review/", {"decision": "return", "comment": ""}
    )
    assert response.status_code == 302
    assert ResidentCount.objects.get(pk=entry.pk).status == "pending_review"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Hãy ghi rõ cơ sở cần kiểm tra hoặc sửa gì."]
    client.post(
        f"/organizations/headcounts/{entry.pk}/review/",
        {"decision": "return", "comment": "Gửi kèm quyết định tiếp nhận"},
    )
    entry.refresh_from_db()
    assert (entry.status, entry.review_comment, entry.reviewed_by) == (
        "returned",
        "Gửi kèm quyết định tiếp nhận",
        programme_user,
    )
    assert (
        'data-testid="no-reviews"'
        in client.get("/organizations/headcounts/reviews/").content.decode()
    )


def test_home_cards_by_role(history, manager_a, programme_user, client, ward_a):
    _flag(history, manager_a)
    client.force_login(programme_user)
    home = client.get("/").content.decode()
    assert 'data-testid="home-panel-network"' in home
    assert 'data-provisional="1600"' in home
    todos = home.split('data-testid="todos"')[1].split("</ul>")[0]
    assert (
        'href="/organizations/headcounts/reviews/">1 số liệu đối tượng chờ anh/chị duyệt' in todos
    )
    client.force_login(manager_a)
    home = client.get("/").content.decode()
    assert 'data-testid="home-panel-facility_reporting"' in home
    assert 'data-testid="home-panel-network"' not in home
    report = facility_reporting(user=manager_a, facility=history, today=dt.date(2026, 11, 30))
    assert (report.capacity, report.last_period, report.last_total) == (2000, JUNE, 400)
    assert (report.due, report.overdue_period) == (dt.date(2026, 12, 31), LATER)
    assert report.awaiting_review == 1
    ward_officer = make_user("ward_officer", _ward_office(ward_a))
    client.force_login(ward_officer)
    home = client.get("/").content.decode()
    assert 'data-testid="home-panel-ward_facilities"' in home
    assert f"/organizations/facilities/?ward={ward_a.pk}" in home


def _ward_office(ward):
    from ctxh.organizations.tests.factories import OrganizationFactory

    return OrganizationFactory(code="UBND-A", kind="ward_office", name="UBND A", ward=ward)


def test_next_due_is_the_quarter_end():
    assert next_due(dt.date(2026, 11, 30)) == (dt.date(2026, 12, 31), dt.date(2026, 9, 30))
    assert next_due(dt.date(2026, 1, 1)) == (dt.date(2026, 3, 31), dt.date(2025, 12, 31))
    assert next_due(dt.date(2026, 6, 30)) == (dt.date(2026, 6, 30), dt.date(2026, 3, 31))


def test_students_see_the_network_but_not_its_figures(history, student_a, client, facility_b):
    from ctxh.workforce.tests.factories import PersonFactory, employ

    employ(PersonFactory(full_name="Lê Thị Bảo Ngọc"), history)
    client.force_login(student_a)
    home = client.get("/").content.decode()
    assert 'data-testid="network-browse"' in home and "2 cơ sở trợ giúp xã hội" in home
    page = client.get("/organizations/facilities/").content.decode()
    assert history.name in page and facility_b.name in page
    assert 'data-testid="residents-total"' not in page
    detail = client.get(f"/organizations/{history.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert 'data-testid="panel-facility"' in text  # public facts: capacity, groups…
    assert 'id="headcounts"' not in text and "1.400" not in text
    assert "Lê Thị Bảo Ngọc" not in text
    assert client.get(f"/organizations/{history.pk}/headcount/").status_code == 403
    export = client.get("/organizations/facilities/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert {r[0] for r in rows[1:]} == {history.code, facility_b.code}
    assert all(r[10] == "" for r in rows[1:])  # no residents' figures for a student


def test_facilities_export_has_residents_by_group_and_date(history, programme_user, client):
    client.force_login(programme_user)
    response = client.get("/organizations/facilities/export.csv?q=Nguyen+Trai")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["Mã", "Tên", "Loại"] and "Số đối tượng tính đến ngày" in header
    [row] = rows
    values = dict(zip(header, row))
    assert values["Mã"] == history.code
    assert values["Số đối tượng tính đến ngày"] == "31/12/2025"
    assert values["Đối tượng (đã duyệt)"] == "1400"
    assert values["Trẻ em có hoàn cảnh đặc biệt"] == "1000" and values["Người cao tuổi"] == "400"
    xlsx = client.get("/organizations/facilities/export.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_an_organisation_phone_must_be_vietnamese(facility_a):
    facility_a.phone = "0901"
    with pytest.raises(ValidationError) as caught:
        facility_a.full_clean()
    assert "số điện thoại" in caught.value.message_dict["phone"][0].lower()
    for good in ("0901 234 567", "+84 901 234 567", "028 3812 3456"):
        facility_a.phone = good
        facility_a.full_clean()
