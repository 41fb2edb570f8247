"""Account administration: invitations, delegation, deactivation, unlock, profile, list."""

import io
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from ctxh.accounts import services
from ctxh.accounts.models import Membership, User
from ctxh.core.models import AuditEvent
from ctxh.organizations.tests.factories import OrganizationFactory
from ctxh.testing import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def ward_office(ward_a):
    return OrganizationFactory(code="UBND-A", kind="ward_office", name="UBND A", ward=ward_a)


@pytest.fixture
def school():
    return OrganizationFactory(code="SCHOOL-X", kind="school", name="Trường Đại học X")


def _link(message) -> str:
    return re.search(r"https?://\S+/accounts/set-password/\S+/", message.body).group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def counts():
    return (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())


def test_invitation_sets_the_password_once(
    programme_user, ward_office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.account_create(
            by=programme_user,
            username="phuong.a",
            full_name="Lê Thị Phường",
            email="phuong.a@example.vn",
            grants=[(ward_office, "ward_officer")],
        )
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == "ward_officer"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["phuong.a@example.vn"]
    assert "phuong.a" in mail.outbox[0].body
    path = _path(_link(mail.outbox[0]))
    client = client_for(make_user())
    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and "phuong.a" in page.content.decode()
    response = client.post(
        path, {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("login")
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")
    assert AuditEvent.objects.filter(
        action="user.set_password_by_link", object_id=str(user.pk)
    ).exists()
    # The link dies once used.
    again = client.post(
        path, {"new_password1": "Khac-han-2026-x", "new_password2": "Khac-han-2026-x"}
    )
    assert again.status_code == 400
    assert "đã hết hạn hoặc đã được dùng" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")
    assert (
        client.post(
            reverse("login"), {"username": "phuong.a", "password": "Mat-khau-moi-2026"}
        ).status_code
        == 302
    )


def test_expired_link_is_refused(
    programme_user, ward_office, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.account_create(
            by=programme_user,
            username="u1",
            full_name="A",
            email="u1@example.vn",
            grants=[(ward_office, "ward_officer")],
        )
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = client_for(make_user()).get(_path(_link(mail.outbox[0])))
    assert response.status_code == 400
    assert "đã hết hạn" in response.content.decode()


def test_invitation_to_an_email_in_use_writes_nothing(programme_user, ward_office):
    make_user(username="old").__class__.objects.filter(username="old").update(
        email="taken@example.vn"
    )
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.account_create(
            by=programme_user,
            username="new",
            full_name="B",
            email="TAKEN@example.vn",
            grants=[(ward_office, "ward_officer")],
        )
    assert "đã dùng địa chỉ email này" in str(error.value)
    assert counts() == before and not mail.outbox


def test_create_page_shows_the_error_and_writes_nothing(programme_user, ward_office):
    User.objects.filter(pk=programme_user.pk).update(email="po@example.vn")
    before = counts()
    response = client_for(programme_user).post(
        reverse("accounts:account-create"),
        {
            "username": "x1",
            "full_name": "X",
            "email": "po@example.vn",
            "organization": ward_office.pk,
            "role": "ward_officer",
        },
    )
    assert response.status_code == 200
    assert "đã dùng địa chỉ email này" in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    ("granter_role", "granter_org", "role", "target_org", "outcome"),
    [
        ("ward_officer", "ward", "ward_officer", "ward", "ok"),
        ("ward_officer", "ward", "facility_manager", "ward", "invalid"),
        ("ward_officer", "ward", "ward_officer", "other_ward", "denied"),
        ("facility_manager", "facility", "field_instructor", "facility", "ok"),
        ("facility_manager", "facility", "programme_office", "facility", "invalid"),
        ("school_coordinator", "school", "student", "school", "ok"),
        ("school_coordinator", "school", "student", "facility", "denied"),
        ("student", "school", "student", "school", "denied"),
    ],
)
def test_delegation(
    granter_role, granter_org, role, target_org, outcome, ward_office, facility_a, school, ward_b
):
    orgs = {
        "ward": ward_office,
        "other_ward": OrganizationFactory(code="UBND-B", kind="ward_office", ward=ward_b),
        "facility": facility_a,
        "school": school,
    }
    granter = make_user(granter_role, orgs[granter_org])
    target = make_user()
    before = counts()
    if outcome == "ok":
        services.membership_grant(by=granter, user=target, organization=orgs[target_org], role=role)
        assert Membership.objects.filter(user=target, role=role).exists()
        assert AuditEvent.objects.filter(action="membership.grant").exists()
        return
    expected = PermissionDenied if outcome == "denied" else ValidationError
    with pytest.raises(expected):
        services.membership_grant(by=granter, user=target, organization=orgs[target_org], role=role)
    assert counts() == before


def test_role_must_fit_the_organisation(programme_user, school):
    with pytest.raises(ValidationError) as error:
        services.membership_grant(
            by=programme_user, user=make_user(), organization=school, role="ward_officer"
        )
    assert "không phù hợp" in str(error.value)


def test_deactivated_user_cannot_sign_in_and_is_told(programme_user, ward_office):
    user = make_user(
        "ward_officer", ward_office, username="nghi.viec", password="Mot-mat-khau-2026"
    )
    services.account_set_active(by=programme_user, user=user, active=False, reason="Nghỉ việc")
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.new_values == {"is_active": False, "reason": "Nghỉ việc"}
    page = Client().post(
        reverse("login"), {"username": "nghi.viec", "password": "Mot-mat-khau-2026"}
    )
    assert page.status_code == 200
    assert "đã bị vô hiệu hóa" in page.content.decode()
    services.account_set_active(by=programme_user, user=user, active=True)
    assert (
        Client()
        .post(reverse("login"), {"username": "nghi.viec", "password": "Mot-mat-khau-2026"})
        .status_code
        == 302
    )


def test_unlock_clears_the_lockout(programme_user, ward_office):
    user = make_user("ward_officer", ward_office, username="bi.khoa")
    AccessAttempt.objects.create(
        username="bi.khoa",
        ip_address="127.0.0.1",
        user_agent="t",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
    )
    assert services.is_locked(user)
    client = client_for(programme_user)
    listed = client.get(reverse("accounts:members"), {"locked": "yes"})
    assert "bi.khoa" in listed.content.decode()
    response = client.post(reverse("accounts:account-action", args=[user.pk, "unlock"]))
    assert response.status_code == 302
    assert not services.is_locked(user)
    assert AuditEvent.objects.filter(action="user.unlock", object_id=str(user.pk)).exists()


def test_reset_password_kills_the_old_one_and_mails_a_link(
    programme_user, ward_office, django_capture_on_commit_callbacks
):
    user = make_user("ward_officer", ward_office, username="quen.mk", password="Cu-mat-khau-2026")
    User.objects.filter(pk=user.pk).update(email="quen@example.vn")
    user.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.account_reset_password(by=programme_user, user=user)
    user.refresh_from_db()
    assert not user.check_password("Cu-mat-khau-2026")
    assert mail.outbox[0].to == ["quen@example.vn"]


def test_ward_officer_sees_and_administers_only_its_own_accounts(ward_office, facility_a):
    officer = make_user("ward_officer", ward_office, username="can.bo")
    colleague = make_user("ward_officer", ward_office, username="dong.nghiep")
    stranger = make_user("facility_manager", facility_a, username="nguoi.la")
    client = client_for(officer)
    page = client.get(reverse("accounts:members")).content.decode()
    assert "dong.nghiep" in page and "nguoi.la" not in page
    assert client.get(reverse("accounts:account", args=[stranger.pk])).status_code == 404
    assert (
        client.post(
            reverse("accounts:account-action", args=[stranger.pk, "deactivate"])
        ).status_code
        == 404
    )
    stranger.refresh_from_db()
    assert stranger.is_active
    assert (
        client.post(
            reverse("accounts:account-action", args=[colleague.pk, "deactivate"])
        ).status_code
        == 302
    )
    colleague.refresh_from_db()
    assert not colleague.is_active


def test_list_search_is_accent_insensitive_and_exports(programme_user, ward_office):
    make_user("ward_officer", ward_office, username="ttd")
    User.objects.filter(username="ttd").update(full_name="Trần Thị Đào")
    User.objects.get(username="ttd").save()
    client = client_for(programme_user)
    page = client.get(reverse("accounts:members"), {"q": "tran thi dao"}).content.decode()
    assert "ttd" in page
    assert "ttd" not in client.get(reverse("accounts:members"), {"q": "nguyen"}).content.decode()
    response = client.get(reverse("accounts:members-export", args=["xlsx"]), {"q": "dao"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "Tên đăng nhập"
    assert [r[0] for r in rows[1:]] == ["ttd"]
    assert rows[1][1] == "Trần Thị Đào"
    assert rows[1][4] == "Cán bộ phường/xã – UBND-A"


def test_never_logged_in_filter(programme_user, ward_office):
    make_user("ward_officer", ward_office, username="chua.vao")
    client = client_for(programme_user)
    assert (
        "chua.vao"
        in client.get(reverse("accounts:members"), {"never_logged_in": "yes"}).content.decode()
    )
    assert (
        "chua.vao"
        not in client.get(reverse("accounts:members"), {"never_logged_in": "no"}).content.decode()
    )


def test_profile_changes_own_details_and_refuses_a_short_phone(ward_office):
    user = make_user("ward_officer", ward_office)
    client = client_for(user)
    bad = client.post(
        reverse("accounts:profile"),
        {"full_name": "Tên Mới", "email": "", "phone": "0901", "language": "vi"},
    )
    assert bad.status_code == 200 and "số điện thoại" in bad.content.decode().lower()
    user.refresh_from_db()
    assert user.full_name != "Tên Mới"
    good = client.post(
        reverse("accounts:profile"),
        {"full_name": "Tên Mới", "email": "", "phone": "+84 901 234 567", "language": "en"},
    )
    assert good.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.language) == ("Tên Mới", "en")
    assert AuditEvent.objects.filter(action="user.update", object_id=str(user.pk)).exists()


def _accounts_file(tmp_path, rows):
    from ctxh.core.importing import get_kind
    from ctxh.core.importing.testing import headers_of, xlsx

    return xlsx(tmp_path / "tk.xlsx", headers_of(get_kind("accounts")), rows)


def test_school_imports_its_students_and_reimport_updates(
    school, tmp_path, django_capture_on_commit_callbacks
):
    from ctxh.core.importing import analyse, commit, get_kind

    coordinator = make_user("school_coordinator", school)
    kind = get_kind("accounts")
    rows = [
        ["sv001", "Nguyễn Văn An", "an@example.edu.vn", "0901234567", "SCHOOL-X", "Sinh viên"],
        ["", "Trần Thị Bình", "binh@example.edu.vn", "", "school-x", "Sinh viên"],
    ]
    path = _accounts_file(tmp_path, rows)
    with django_capture_on_commit_callbacks(execute=True):
        summary = commit(kind, path, user=coordinator, filename="tk.xlsx")
    assert summary["accounts_created"] == 2
    assert set(
        User.objects.filter(
            memberships__organization=school, memberships__role="student"
        ).values_list("username", flat=True)
    ) == {"sv001", "binh@example.edu.vn"}
    assert sorted(m.to[0] for m in mail.outbox) == ["an@example.edu.vn", "binh@example.edu.vn"]
    assert not User.objects.get(username="sv001").has_usable_password()
    # The same file again: nothing new; a changed name updates, never duplicates.
    rows[0][1] = "Nguyễn Văn Ân"
    analysis = analyse(kind, _accounts_file(tmp_path, rows), user=coordinator)
    assert analysis.counts == {"new": 0, "updated": 1, "unchanged": 1, "rejected": 0, "total": 2}
    commit(kind, _accounts_file(tmp_path, rows), user=coordinator, filename="tk.xlsx")
    assert User.objects.filter(username__in=["sv001", "binh@example.edu.vn"]).count() == 2
    assert User.objects.get(username="sv001").full_name == "Nguyễn Văn Ân"
    event = AuditEvent.objects.get(action="user.import_update")
    assert event.old_values == {"full_name": "Nguyễn Văn An"}


def test_import_refuses_roles_the_importer_may_not_grant(school, facility_a, tmp_path):
    from ctxh.core.importing import analyse, get_kind

    coordinator = make_user("school_coordinator", school)
    rows = [
        ["gv1", "Lê Văn Cường", "c@example.vn", "", "SCHOOL-X", "Cán bộ phường/xã"],
        ["x2", "Phạm Dũng", "d@example.vn", "0901", "SCHOOL-X", "Sinh viên"],
        ["x3", "Võ Em", "e@example.vn", "", "FAC-A", "Kiểm huấn viên"],
    ]
    analysis = analyse(get_kind("accounts"), _accounts_file(tmp_path, rows), user=coordinator)
    assert analysis.counts["rejected"] == 3
    messages = " | ".join(" ".join(r.errors) for r in analysis.rows)
    assert "không được cấp vai trò" in messages
    assert "Hãy nhập số điện thoại Việt Nam" in messages
    assert "FAC-A" in messages


def test_sign_in_answers_in_the_users_language(ward_office):
    user = make_user(
        "ward_officer", ward_office, username="english.user", password="Mot-mat-khau-2026"
    )
    User.objects.filter(pk=user.pk).update(language="en")
    client = Client()
    response = client.post(
        reverse("login"), {"username": "english.user", "password": "Mot-mat-khau-2026"}
    )
    assert response.cookies["django_language"].value == "en"
    assert "Welcome" in client.get("/").content.decode()


def test_organisation_filter_takes_a_code_or_a_name(programme_user, ward_office, facility_a):
    make_user("ward_officer", ward_office, username="o.phuong")
    make_user("facility_manager", facility_a, username="o.coso")
    client = client_for(programme_user)
    by_code = client.get(reverse("accounts:members"), {"organization": "ubnd-a"}).content.decode()
    assert "o.phuong" in by_code and "o.coso" not in by_code
    by_name = client.get(
        reverse("accounts:members"), {"organization": "nguyen trai"}
    ).content.decode()
    assert "o.coso" in by_name and "o.phuong" not in by_name
