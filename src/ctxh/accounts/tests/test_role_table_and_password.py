"""The role table page and the audited password change."""

import pytest

from ctxh.core.models import AuditEvent
from ctxh.testing import assert_view_permissions, client_for

pytestmark = pytest.mark.django_db


def test_role_table_page_for_the_office_and_the_auditor(programme_user, manager_a, agency):
    from ctxh.testing import make_user

    viewer = make_user("viewer", agency)
    assert_view_permissions("/accounts/roles/", allowed=programme_user, forbidden_role=manager_a)
    response = client_for(viewer).get("/accounts/roles/")
    assert response.status_code == 200
    html = response.content.decode()
    # Vietnamese model names, actions, roles and reaches.
    for text in ("Văn phòng Chương trình", "Người xem / thanh tra", "Quá trình công tác"):
        assert f">{text}<" in html
    assert "xem đầy đủ dữ liệu cá nhân" in html and "tổ chức và phường/xã của mình" in html
    assert 'data-model="workforce.person"' in html
    assert 'data-model="core.auditevent"' in html
    assert 'data-model="organizations.organization"' in html


def test_password_change_is_audited(programme_user):
    client = client_for(programme_user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "ctxh-test-pass-1",
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    programme_user.refresh_from_db()
    assert programme_user.check_password("Mat-khau-moi-2026")
    event = AuditEvent.objects.get(action="user.set_password")
    assert event.actor == programme_user and event.object_id == str(programme_user.pk)
    assert event.source == "web"
    # The session survives the change (update_session_auth_hash).
    assert client.get("/").status_code == 200


def test_refused_password_change_writes_nothing(programme_user):
    client = client_for(programme_user)
    client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "Mat-khau-2026x",
            "new_password2": "Mat-khau-2026x",
        },
    )
    programme_user.refresh_from_db()
    assert programme_user.check_password("ctxh-test-pass-1")
    assert not AuditEvent.objects.filter(action="user.set_password").exists()


def test_membership_grant_validates_before_writing(programme_user, facility_a):
    from django.core.exceptions import ValidationError

    from ctxh.accounts import services
    from ctxh.accounts.models import Membership
    from ctxh.testing import make_user

    user = make_user()
    before = Membership.objects.count()
    with pytest.raises(ValidationError):
        services.membership_grant(
            by=programme_user, user=user, organization=facility_a, role="janitor"
        )
    assert Membership.objects.count() == before
    assert not AuditEvent.objects.filter(action="membership.grant").exists()
    granted = services.membership_grant(
        by=programme_user, user=user, organization=facility_a, role="facility_manager"
    )
    assert granted.active and AuditEvent.objects.filter(action="membership.grant").count() == 1
    services.membership_revoke(by=programme_user, membership=granted)
    again = services.membership_grant(
        by=programme_user, user=user, organization=facility_a, role="facility_manager"
    )
    assert again.pk == granted.pk and again.active
