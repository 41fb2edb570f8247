"""The permission matrix of the training pages (see ``ctxh.testing``)."""

import pytest

from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db

CASES = register(
    ViewCase(
        "training:index",
        allowed=("programme", "viewer", "trainer", "manager_a", "ward_officer_a", "coordinator"),
        forbidden_role=("student", "nobody"),
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- classes, catalogue, nominations ---
# Objects a case needs beyond the world are made once per world, lazily, by its factories
# (called before the "nothing written" snapshot).


def _once(world, name, make):
    if not hasattr(world, name):
        setattr(world, name, make(world))
    return getattr(world, name)


def _ward_staff(w):
    def make(w):
        from ctxh.workforce.tests.factories import PersonFactory, employ

        person = PersonFactory(full_name="Lê Thị Phường")
        employ(person, w.ward_office_a)
        return person

    return _once(w, "_tc_ward_staff", make)


def _self_class(w):
    def make(w):
        from ctxh.training.models import TrainingClass

        return TrainingClass.objects.create(
            course=w.course,
            code="PERM-LOP-TU-DK",
            name="Lớp tự đăng ký",
            organizer=w.trainer_org,
            starts_on=w.training_class.starts_on,
            ends_on=w.training_class.ends_on,
            capacity=10,
            funding="programme",
            status="open",
            self_registration=True,
        )

    return _once(w, "_tc_self_class", make)


def _nominated(w):
    def make(w):
        from ctxh.training.models import Enrollment

        return Enrollment.objects.create(
            training_class=w.training_class, person=w.person_b, organization=w.facility_b
        )

    return _once(w, "_tc_nominated", make)


def _review(w):
    def make(w):
        import datetime as dt

        from ctxh.training.models import Enrollment
        from ctxh.workforce.tests.factories import PersonFactory

        born = dt.date(1992, 4, 5)
        twins = [PersonFactory(full_name="Võ Thành Đạt", date_of_birth=born) for _ in range(2)]
        row = Enrollment.objects.create(
            training_class=w.training_class,
            organization=w.facility_a,
            full_name="Vo Thanh Dat",
            date_of_birth=born,
            match_status="review",
        )
        return row, twins[0]

    return _once(w, "_tc_review", make)


def _class_data(w, **extra):
    return {
        "course": w.course.pk,
        "code": "PERM-LOP-MOI",
        "name": "Lớp mới",
        "organizer": w.trainer_org.pk,
        "provider": "",
        "starts_on": w.training_class.starts_on.strftime("%d/%m/%Y"),
        "ends_on": w.training_class.ends_on.strftime("%d/%m/%Y"),
        "capacity": "25",
        "funding": "programme",
        "min_attendance": "80",
        "min_score": "",
        "venue": "",
        **extra,
    }


def _course_data(w, **extra):
    return {
        "code": "PERM-KH-MOI",
        "title": "Khóa mới",
        "topic": "Kỹ năng",
        "target_audience": "",
        "hours": "8",
        "competencies": "",
        "level": "skills",
        "provider": w.trainer_org.pk,
        "active": "on",
        **extra,
    }


def _session_data(w, **extra):
    return {
        "date": w.training_class.starts_on.strftime("%d/%m/%Y"),
        "starts_at": "08:00",
        "ends_at": "10:00",
        "venue": "Phòng 3",
        "online_link": "",
        "topic": "",
        **extra,
    }


EVERYONE_VIEWS = ("programme", "viewer", "trainer", "manager_a", "ward_officer_a", "coordinator")
RUNS = ("programme", "trainer")
CLASS_CASES = register(
    ViewCase(
        "training:courses",
        allowed=EVERYONE_VIEWS,
        forbidden_role=("student", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "training:course_create",
        allowed=RUNS,
        forbidden_role=("manager_a", "viewer", "student"),
        data=_course_data,
        writes=True,
    ),
    ViewCase(
        "training:course_edit",
        kwargs=lambda w: {"pk": w.course.pk},
        allowed=("trainer", "programme"),
        other_org=("trainer_b",),
        forbidden_role=("manager_a", "viewer"),
        data=lambda w: _course_data(w, code=w.course.code, title=w.course.title, hours="48"),
        writes=True,
    ),
    ViewCase(
        "training:class_create",
        allowed=RUNS,
        forbidden_role=("manager_a", "viewer", "student"),
        data=_class_data,
        writes=True,
    ),
    ViewCase(
        "training:class_detail",
        kwargs=lambda w: {"pk": w.training_class.pk},
        allowed=(*EVERYONE_VIEWS, "person_user_a"),
        forbidden_role=("student", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "training:class_edit",
        kwargs=lambda w: {"pk": w.training_class.pk},
        allowed=("trainer", "programme"),
        other_org=("trainer_b",),
        forbidden_role=("manager_a", "viewer"),
        data=lambda w: _class_data(
            w, code=w.training_class.code, name=w.training_class.name, capacity="31"
        ),
        writes=True,
    ),
    ViewCase(
        "training:class_transition",
        kwargs=lambda w: {"pk": w.training_class.pk},
        allowed=("trainer", "programme"),
        other_org=("trainer_b",),
        forbidden_role=("manager_a", "viewer"),
        methods=("post",),
        data=lambda w: {"to": "running", "reason": ""},
        writes=True,
    ),
    ViewCase(
        "training:session_create",
        kwargs=lambda w: {"pk": w.training_class.pk},
        allowed=("trainer", "programme"),
        other_org=("trainer_b",),
        forbidden_role=("manager_a", "viewer"),
        data=_session_data,
        writes=True,
    ),
    ViewCase(
        "training:session_edit",
        kwargs=lambda w: {"pk": w.session.pk},
        allowed=("trainer", "programme"),
        other_org=("trainer_b",),
        forbidden_role=("manager_a", "viewer"),
        data=lambda w: _session_data(w, date=w.session.date.strftime("%d/%m/%Y")),
        writes=True,
    ),
    ViewCase(
        "training:nominate",
        kwargs=lambda w: {"pk": w.training_class.pk},
        allowed=("ward_officer_a", "manager_a", "programme"),
        forbidden_role=("trainer", "viewer", "student"),
        data=lambda w: {"people": [_ward_staff(w).pk]},
        writes=True,
    ),
    ViewCase(
        "training:decide",
        kwargs=lambda w: {"pk": w.training_class.pk},
        allowed=("trainer", "programme"),
        other_org=("trainer_b",),
        forbidden_role=("manager_a", "viewer"),
        methods=("post",),
        data=lambda w: {"enrollments": [_nominated(w).pk], "to": "accepted"},
        writes=True,
    ),
    ViewCase(
        "training:withdraw",
        kwargs=lambda w: {"pk": w.enrollment_a.pk},
        # Their organisation, the class's organiser, the programme office, the person.
        allowed=("manager_a", "programme", "trainer", "person_user_a"),
        other_org=("manager_b", "trainer_b"),
        forbidden_role=("viewer",),
        data=lambda w: {"reason": "Nghỉ phép"},
        writes=True,
    ),
    ViewCase(
        "training:self_register",
        kwargs=lambda w: {"pk": _self_class(w).pk},
        allowed=("person_user_a", "programme"),
        forbidden_role=("nobody", "student"),
        writes=True,
    ),
    ViewCase(
        "training:add_external",
        kwargs=lambda w: {"pk": w.training_class.pk},
        allowed=("trainer", "programme", "manager_a"),
        other_org=("trainer_b",),
        forbidden_role=("viewer", "student"),
        data=lambda w: {
            "full_name": "Khách Bên Ngoài",
            "date_of_birth": "02/03/1988",
            "cccd": "",
            "organization": w.facility_a.pk,
        },
        writes=True,
    ),
    ViewCase(
        "training:matches",
        allowed=("trainer", "programme", "manager_a", "ward_officer_a"),
        forbidden_role=("viewer", "student"),
        data=lambda w: {
            "op": "link",
            "enrollment": _review(w)[0].pk,
            "person": _review(w)[1].pk,
        },
        writes=True,
    ),
)


@pytest.mark.parametrize("case", CLASS_CASES, ids=lambda c: c.id)
def test_class_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- attendance, certificates, degree ---
def _class(w):
    return {"pk": w.training_class.pk}


def _degree_data(w):
    return {
        "person": w.person_a.pk,
        "organization": w.facility_a.pk,
        "level": "master",
        "institution": "Trường Đại học Thử",
        "major": "Công tác xã hội",
        "starts_on": "2025-09-01",
        "expected_end": "2027-09-01",
        "actual_end": "",
        "funding": "programme",
    }


ATTENDANCE_CASES = register(
    ViewCase(
        "training:attendance",
        kwargs=_class,
        allowed=("trainer", "programme", "viewer"),
        other_org=("trainer_b", "manager_a"),
        forbidden_role=("student", "nobody"),
        data=lambda w: {"session": w.session.pk, f"mark_{w.enrollment_a.pk}": "present"},
        writes=True,
    ),
    ViewCase(
        "training:session_qr",
        kwargs=lambda w: {"pk": w.session.pk},
        allowed=("trainer", "programme"),
        other_org=("trainer_b",),
        forbidden_role=("viewer", "student", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "training:checkin",
        kwargs=lambda w: {"token": w.session.checkin_token},
        allowed=("person_user_a", "trainer", "nobody"),
        everyone=True,
        writes=True,
        allowed_status={"get": 200, "post": 302},
    ),
    ViewCase(
        "training:certificates",
        kwargs=_class,
        allowed=("trainer", "programme", "viewer"),
        other_org=("trainer_b", "manager_a"),
        forbidden_role=("student", "nobody"),
        data=lambda w: {"action": "completion"},
        writes=True,
    ),
    ViewCase(
        "training:certificates_pdf",
        kwargs=_class,
        allowed=("trainer", "programme", "viewer"),
        other_org=("trainer_b", "manager_a"),
        forbidden_role=("student", "nobody"),
        methods=("get",),
        allowed_status=302,  # none issued yet: back to the class's certificates
    ),
    ViewCase(
        "training:certificate",
        kwargs=lambda w: {"pk": w.enrollment_a.pk},
        allowed=("trainer", "programme", "manager_a", "person_user_a"),
        other_org=("trainer_b", "manager_b"),
        forbidden_role=("student", "nobody"),
        allowed_status={"get": 200, "post": 302},  # not completed: refused with a message
    ),
    ViewCase(
        "training:me",
        allowed=("person_user_a", "nobody", "programme"),
        everyone=True,
        methods=("get",),
    ),
    ViewCase(
        "training:degrees",
        allowed=("programme", "viewer", "manager_a", "ward_officer_a", "person_user_a"),
        forbidden_role=("trainer", "student", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "training:degrees",
        label="xlsx",
        query={"format": "xlsx"},
        allowed=("programme", "manager_a"),
        forbidden_role=("trainer", "student", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "training:degree_create",
        allowed=("manager_a", "programme"),
        forbidden_role=("viewer", "trainer", "student", "nobody"),
        data=_degree_data,
        writes=True,
    ),
    ViewCase(
        "training:degree_edit",
        kwargs=lambda w: {"pk": w.degree_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("viewer", "trainer", "student", "nobody"),
        data=_degree_data,
        writes=True,
    ),
)


@pytest.mark.parametrize("case", ATTENDANCE_CASES, ids=lambda c: c.id)
def test_attendance_certificate_degree_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- import, statistics ---
# The statistics are the programme office's and the viewer's (permission "statistics" on
# enrolments, the whole city); read-only pages, so GET only. The history import runs
# through the core import pages (their own cases in core); its kind's rule is tested in
# test_import_history.py.
STATISTICS_CASES = register(
    *(
        ViewCase(
            name,
            allowed=("programme", "viewer"),
            forbidden_role=("trainer", "manager_a", "ward_officer_a", "coordinator", "nobody"),
            methods=("get",),
            query=query,
        )
        for name, query in (
            ("training:statistics", {"period": "2010-2020", "by": "organizer"}),
            ("training:statistics_people", {"dimension": "topic", "key": "Kỹ năng"}),
            ("training:statistics_export", None),
        )
    )
)


@pytest.mark.parametrize("case", STATISTICS_CASES, ids=lambda c: c.id)
def test_statistics_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
