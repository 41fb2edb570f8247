"""The class page leads to the class's other pages (attendance, completion and
certificates, each session's check-in QR code) for whoever may open them, offers no
decision or withdrawal once the class is finished, and the pages met on the journey read
well in Vietnamese (issue 12's journey)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ctxh.testing import client_for
from ctxh.training.models import Enrollment, TrainingClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(permission_world):
    return permission_world


def _page(user, klass) -> str:
    response = client_for(user).get(reverse("training:class_detail", args=[klass.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_organiser_is_led_to_attendance_certificates_and_the_qr_code(w):
    html = _page(w.trainer, w.training_class)
    for name, pk in (
        ("training:attendance", w.training_class.pk),
        ("training:certificates", w.training_class.pk),
        ("training:session_qr", w.session.pk),
    ):
        assert f'href="{reverse(name, args=[pk])}"' in html, name
    # Each of those pages opens for them.
    client = client_for(w.trainer)
    assert client.get(reverse("training:attendance", args=[w.training_class.pk])).status_code == 200
    assert client.get(reverse("training:session_qr", args=[w.session.pk])).status_code == 200


def test_the_programme_office_reads_attendance_and_certificates(w):
    html = _page(w.programme, w.training_class)
    assert reverse("training:attendance", args=[w.training_class.pk]) in html
    assert reverse("training:certificates", args=[w.training_class.pk]) in html


@pytest.mark.parametrize("who", ["manager_a", "ward_officer_a", "trainer_b"])
def test_no_link_to_a_page_that_would_refuse(w, who):
    user = getattr(w, who)
    html = _page(user, w.training_class)
    client = client_for(user)
    for name, pk in (
        ("training:attendance", w.training_class.pk),
        ("training:certificates", w.training_class.pk),
        ("training:session_qr", w.session.pk),
    ):
        url = reverse(name, args=[pk])
        assert url not in html, name
        assert client.get(url).status_code in (403, 404), name


def test_no_qr_code_once_the_class_is_closed(w):
    TrainingClass.objects.filter(pk=w.training_class.pk).update(status="closed")
    html = _page(w.trainer, w.training_class)
    assert reverse("training:session_qr", args=[w.session.pk]) not in html
    assert reverse("training:certificates", args=[w.training_class.pk]) in html


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_a_finished_class_offers_no_decision_and_no_withdrawal(w, status):
    Enrollment.objects.create(
        training_class=w.training_class,
        person=w.person_b,
        organization=w.facility_b,
        nominated_by=w.manager_b,
    )
    TrainingClass.objects.filter(pk=w.training_class.pk).update(status=status)
    for user in (w.trainer, w.programme, w.manager_a):
        html = _page(user, w.training_class)
        assert "/withdraw/" not in html
        assert 'name="enrollments"' not in html
        assert 'data-testid="bulk-decisions"' not in html


def test_the_bulk_decisions_show_only_when_someone_awaits_one(w):
    html = _page(w.trainer, w.training_class)  # enrollment_a is accepted already
    assert 'data-testid="bulk-decisions"' not in html
    Enrollment.objects.create(
        training_class=w.training_class,
        person=w.person_b,
        organization=w.facility_b,
        nominated_by=w.manager_b,
    )
    html = _page(w.trainer, w.training_class)
    assert 'data-testid="bulk-decisions"' in html
    assert 'data-testid="accept-selected"' in html


def test_the_qr_page_gives_the_checkin_address_as_a_link(w, settings):
    settings.CTXH_BASE_URL = "https://ctxh.example.vn"
    response = client_for(w.trainer).get(reverse("training:session_qr", args=[w.session.pk]))
    html = response.content.decode()
    url = "https://ctxh.example.vn" + reverse(
        "training:checkin", kwargs={"token": w.session.checkin_token}
    )
    assert f'data-checkin-url="{url}"' in html
    assert f'<a href="{url}" data-testid="checkin-url">' in html


def test_class_status_and_hours_read_as_vietnamese(w):
    TrainingClass.objects.filter(pk=w.training_class.pk).update(status="running")
    html = _page(w.trainer, w.training_class)
    assert "Đang diễn ra" in html and "Đang chạy" not in html
    assert "40 giờ" in html  # not "40,0 giờ"
    TrainingClass.objects.filter(pk=w.training_class.pk).update(status="closed")
    assert "Đã kết thúc" in _page(w.trainer, w.training_class)
    certificates = client_for(w.trainer).get(
        reverse("training:certificates", args=[w.training_class.pk])
    )
    text = certificates.content.decode()
    assert "40 giờ" in text and "số giờ" not in text
    assert "Lớp tập huấn" in text  # the breadcrumb names the class list as everywhere


def test_my_training_heading(w):
    html = client_for(w.person_user_a).get(reverse("training:me")).content.decode()
    assert "Lớp tập huấn đã tham gia" in html and "Số lớp" not in html
