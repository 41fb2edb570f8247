"""The history import (kind ``training_history``): past classes and their participants."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import load_workbook

from ctxh.core.importing import ImportFileError, analyse, commit, get_kind
from ctxh.core.importing.testing import headers_of, xlsx
from ctxh.core.models import AuditEvent
from ctxh.organizations.tests.factories import OrganizationFactory
from ctxh.testing import make_user
from ctxh.training.importing import Participant, identify_people
from ctxh.training.models import Course, Enrollment, TrainingClass
from ctxh.workforce.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def kind(db):
    return get_kind("training_history")


@pytest.fixture
def world(db):
    class W:
        pass

    w = W()
    w.agency = OrganizationFactory(code="SYT", kind="agency")
    w.assoc = OrganizationFactory(code="HCTXH", kind="association", name="Hội CTXH")
    w.other = OrganizationFactory(code="HOI-KHAC", kind="association")
    w.ward = OrganizationFactory(code="UBND-1", kind="ward_office")
    w.programme = make_user("programme_office", w.agency)
    w.trainer = make_user("trainer", w.assoc)
    w.ward_officer = make_user("ward_officer", w.ward)
    # Certain by CCCD; certain by name + birth (accents differ); two namesakes → review.
    w.lan = PersonFactory(full_name="Trần Thị Lan", date_of_birth=dt.date(1988, 1, 2))
    w.binh = PersonFactory(full_name="Lê Văn Bình", date_of_birth=dt.date(1985, 3, 4), cccd=None)
    w.twin1 = PersonFactory(full_name="Phạm Minh Anh", date_of_birth=dt.date(1990, 6, 6))
    w.twin2 = PersonFactory(full_name="Phạm Minh Anh", date_of_birth=dt.date(1990, 6, 6))
    return w


def row(code="LTH-2015-01", name="Lớp kỹ năng 1", **over):
    values = {
        "class_code": code,
        "class_name": name,
        "course": "Kỹ năng công tác xã hội cá nhân",
        "topic": "Kỹ năng",
        "organizer": "HCTXH",
        "starts_on": "09/03/2015",
        "ends_on": "13/03/2015",
        "hours": 40,
        "full_name": "Nguyễn Văn Khách",
        "date_of_birth": "01/01/1980",
        "cccd": None,
        "organization": "UBND-1",
        "attended": "Có",
        "completed": "Có",
    }
    values.update(over)
    return list(values.values())


def good_rows(w):
    return [
        row(full_name="Tran Thi Lan", cccd=w.lan.cccd, date_of_birth="02/01/1988"),
        row(full_name="LÊ VĂN BÌNH", date_of_birth="04/03/1985", completed="Không"),
        row(full_name="Phạm Minh Anh", date_of_birth="06/06/1990"),
        row(full_name="Người Ngoài Danh Sách", date_of_birth="05/05/1979"),
        row(
            code="LTH-2016-02",
            name="Lớp 2",
            course="Kỹ năng CONG TAC XA HOI ca nhan",  # the same course, written otherwise
            starts_on="01/06/2016",
            ends_on="02/06/2016",
            full_name="Trần Thị Lan",
            date_of_birth="02/01/1988",
            attended="Không",
            completed=None,
        ),
    ]


def test_good_file_creates_historic_classes_and_matches_people(kind, world, tmp_path):
    w = world
    path = xlsx(tmp_path / "h.xlsx", headers_of(kind), good_rows(w), title=kind.sheet_title)
    summary = commit(kind, path, user=w.programme, filename="h.xlsx")
    assert summary["counts"]["new"] == 5 and summary["counts"]["rejected"] == 0
    assert summary["classes"] == 2 and summary["courses"] == 1
    assert (summary["linked"], summary["review"], summary["unmatched"]) == (3, 1, 1)
    classes = TrainingClass.objects.order_by("code")
    assert [(c.code, c.historic, c.status) for c in classes] == [
        ("LTH-2015-01", True, "closed"),
        ("LTH-2016-02", True, "closed"),
    ]
    assert Course.objects.count() == 1 and classes[0].course_id == classes[1].course_id
    first = {e.full_name: e for e in Enrollment.objects.filter(training_class=classes[0])}
    assert (
        first["Tran Thi Lan"].person == w.lan and first["Tran Thi Lan"].match_status == "registry"
    )
    assert first["LÊ VĂN BÌNH"].person == w.binh and first["LÊ VĂN BÌNH"].completed is False
    assert first["Phạm Minh Anh"].person is None and first["Phạm Minh Anh"].match_status == "review"
    outsider = first["Người Ngoài Danh Sách"]
    assert outsider.person is None and outsider.match_status == "unmatched"
    assert outsider.organization == w.ward and outsider.status == "accepted"
    absent = Enrollment.objects.get(training_class=classes[1])
    assert absent.person == w.lan and absent.completed is False and absent.attendance_rate == 0
    event = AuditEvent.objects.get(action="import.training_history")
    assert event.new_values["created"] == 5


def test_reimport_changes_nothing_and_updates_what_changed(kind, world, tmp_path):
    w = world
    path = xlsx(tmp_path / "h.xlsx", headers_of(kind), good_rows(w), title=kind.sheet_title)
    commit(kind, path, user=w.programme)
    again = commit(kind, path, user=w.programme)
    assert again["counts"]["unchanged"] == 5 and again["counts"]["new"] == 0
    assert TrainingClass.objects.count() == 2 and Enrollment.objects.count() == 5
    rows = good_rows(w)
    rows[1] = row(full_name="LÊ VĂN BÌNH", date_of_birth="04/03/1985", completed="Có")
    rows.append(row(full_name="Học Viên Mới", date_of_birth="07/07/1991"))
    path = xlsx(tmp_path / "h2.xlsx", headers_of(kind), rows, title=kind.sheet_title)
    preview = analyse(kind, path, user=w.programme, describe=True)
    [changed] = [r.summary for r in preview.rows if r.status == "updated"]
    assert changed["d"] == [["Hoàn thành", "Không", "Có"]]
    third = commit(kind, path, user=w.programme)
    assert (third["counts"]["updated"], third["counts"]["new"]) == (1, 1)
    assert Enrollment.objects.count() == 6
    assert Enrollment.objects.get(person=w.binh).completed is True
    assert AuditEvent.objects.filter(action="enrollment.import_update").count() == 1


def test_bad_rows_write_nothing_and_come_back_with_their_errors(kind, world, tmp_path):
    w = world
    rows = [
        *good_rows(w),
        row(organizer="KHONG-CO"),  # unknown organiser
        row(full_name="A", starts_on="10/03/2015", ends_on="01/03/2015"),  # ends before start
        row(full_name="B", organization="???"),  # unknown participant organisation
        row(full_name="C", attended="Không", completed="Có"),
        row(name="Tên khác", full_name="F"),  # the same class, another name
        row(code="LTH-2030", full_name="D", starts_on="01/01/2030", ends_on="02/01/2030"),
        row(full_name="Tran Thi Lan", cccd=w.lan.cccd),  # the same person twice in a class
        row(full_name="E", cccd="123"),
    ]
    path = xlsx(tmp_path / "bad.xlsx", headers_of(kind), rows, title=kind.sheet_title)
    analysis = analyse(kind, path, user=w.programme)
    rejected = {r.number: r.message for r in analysis.rejected}
    assert sorted(rejected) == list(range(7, 15)), rejected
    assert "KHONG-CO" in rejected[7]
    assert "ends before it starts" in rejected[8]
    assert "???" in rejected[9]
    assert "did not attend" in rejected[10]
    assert "another Tên lớp" in rejected[11]
    assert "only classes that have ended" in rejected[12]
    assert "same record as row 2" in rejected[13]
    assert "12 digits" in rejected[14]
    with pytest.raises(ImportFileError):
        commit(kind, path, user=w.programme)
    assert not TrainingClass.objects.exists() and not Enrollment.objects.exists()
    book = load_workbook(
        __import__("io").BytesIO(analysis.rejected_workbook()), read_only=True
    ).active
    lines = list(book.iter_rows(values_only=True))
    assert len(lines) == 1 + 8 and "KHONG-CO" in lines[1][-1]


def test_trainer_imports_only_its_own_classes(kind, world, tmp_path):
    w = world
    assert kind.allowed(w.trainer) and not kind.allowed(w.ward_officer)
    rows = [row(), row(code="X-2", organizer="HOI-KHAC", full_name="Ai Đó")]
    path = xlsx(tmp_path / "t.xlsx", headers_of(kind), rows, title=kind.sheet_title)
    analysis = analyse(kind, path, user=w.trainer)
    assert [r.number for r in analysis.rejected] == [3]
    assert "your own organisation" in analysis.rejected[0].message
    with pytest.raises(PermissionDenied):
        analyse(kind, path, user=w.ward_officer)


def test_a_class_run_in_ctxh_is_not_overwritten(kind, world, tmp_path):
    w = world
    course = Course.objects.create(code="C1", title="Khóa", topic="T", hours=8, level="skills")
    TrainingClass.objects.create(
        course=course,
        code="LTH-2015-01",
        name="Lớp đang chạy",
        organizer=w.assoc,
        starts_on=dt.date(2015, 3, 9),
        ends_on=dt.date(2015, 3, 13),
        capacity=10,
        funding="state",
    )
    path = xlsx(tmp_path / "r.xlsx", headers_of(kind), [row()], title=kind.sheet_title)
    analysis = analyse(kind, path, user=w.programme)
    assert "belongs to a class run in ctxh" in analysis.rejected[0].message


def test_identify_people_follows_identify_person_with_one_query(world, django_assert_num_queries):
    w = world
    from ctxh.workforce.identify import identify_person

    listed = [
        Participant("x", None, w.lan.cccd),
        Participant("le van binh", dt.date(1985, 3, 4)),
        Participant("Phạm Minh Anh", dt.date(1990, 6, 6)),
        Participant("Nobody Here", dt.date(1970, 1, 1)),
    ]
    with django_assert_num_queries(2):  # by ID or birth date; namesakes of the rest
        matches = identify_people(listed)
    for p, m in zip(listed, matches, strict=True):
        single = identify_person(cccd=p.cccd, full_name=p.full_name, date_of_birth=p.date_of_birth)
        assert m.person_id == (single.person.pk if single.person else None)
        assert sorted(m.candidates) == sorted(c.pk for c in single.candidates)
    assert [m.status for m in matches] == ["registry", "registry", "review", "unmatched"]
    # A namesake born another day is a candidate, never a match.
    [other] = identify_people([Participant("Trần Thị Lan", dt.date(1999, 9, 9))])
    assert other.status == "review" and other.candidates == [w.lan.pk]
