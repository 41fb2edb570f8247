"""Training certificates: only for who completed, numbered in the organiser's register,
a landscape PDF naming the person and the course, verified as genuine; corrected by a
re-issue; one PDF for the class; a person downloads their own."""

from __future__ import annotations

import io
import warnings

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ctxh.documents import rendering
from ctxh.documents.models import Document, Kind
from ctxh.documents.tests.helpers import pdf_text
from ctxh.testing import client_for, database_snapshot
from ctxh.training.models import Enrollment, TrainingClass
from ctxh.training.services import certificates as service

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(permission_world):
    """The permission world's class closed, person A completed, person B did not."""
    w = permission_world
    TrainingClass.objects.filter(pk=w.training_class.pk).update(status="closed")
    Enrollment.objects.filter(pk=w.enrollment_a.pk).update(completed=True, attendance_rate=100)
    w.enrollment_b = Enrollment.objects.create(
        training_class=w.training_class,
        person=w.person_b,
        organization=w.facility_b,
        status=Enrollment.Status.ACCEPTED,
        completed=False,
        attendance_rate=20,
    )
    w.training_class.refresh_from_db()
    w.enrollment_a.refresh_from_db()
    return w


def _strict(document) -> bytes:
    data = rendering.document_data(document)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pdf, messages = rendering.compile_template(document.template, data)
    assert messages == [], messages
    return pdf


def test_certificate_pdf_names_the_person_and_course_and_verifies(world):
    w = world
    document = service.certificate_issue(enrollment=w.enrollment_a, by=w.trainer)
    assert document.kind == Kind.TRAINING_CERTIFICATE
    assert document.organization == w.trainer_org  # the organiser's register
    assert document.reference.startswith("1/GCN-")
    assert service.certificate_issue(enrollment=w.enrollment_a, by=w.trainer) == document
    pdf = _strict(document)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = pdf_text(pdf)
    for expected in (
        "GIẤY CHỨNG NHẬN",
        "Nguyễn Thị Ánh",
        "Công tác xã hội cơ bản",
        "40 giờ",
        w.training_class.name,
        w.training_class.starts_on.strftime("%d/%m/%Y"),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        document.reference,
        document.code,
    ):
        assert expected in text, expected
    cache.clear()
    verify = Client().get(reverse("verify", kwargs={"code": document.code}))
    html = verify.content.decode()
    assert verify.status_code == 200
    assert "Giấy chứng nhận" in html and document.reference in html
    assert 'data-testid="verify-valid"' in html
    assert "Giấy chứng nhận đào tạo" in html  # the kind
    assert "Nguyễn T. Á." in html and "Nguyễn Thị Ánh" not in html


def test_no_certificate_for_who_did_not_complete(world):
    w = world
    before = database_snapshot()
    with pytest.raises(ValidationError) as error:
        service.certificate_issue(enrollment=w.enrollment_b, by=w.trainer)
    assert database_snapshot() == before
    assert "chưa hoàn thành lớp học" in error.value.messages[0]
    assert "Trần Văn Bảo" in error.value.messages[0]
    # Nor before the class is closed.
    TrainingClass.objects.filter(pk=w.training_class.pk).update(status="running")
    before = database_snapshot()
    with pytest.raises(ValidationError, match="sau khi lớp học kết thúc"):
        service.certificate_issue(
            enrollment=Enrollment.objects.get(pk=w.enrollment_a.pk), by=w.trainer
        )
    assert database_snapshot() == before


def test_only_the_organiser_issues(world):
    w = world
    for user in (w.trainer_b, w.manager_a, w.viewer, w.person_user_a):
        with pytest.raises(PermissionDenied):
            service.certificate_issue(enrollment=w.enrollment_a, by=user)
    assert not Document.objects.exists()
    assert service.certificate_issue(enrollment=w.enrollment_a, by=w.programme).pk


def test_correction_reissues_and_voids_the_old(world):
    w = world
    old = service.certificate_issue(enrollment=w.enrollment_a, by=w.trainer)
    type(w.person_a).objects.filter(pk=w.person_a.pk).update(full_name="Nguyễn Thị Ánh Hồng")
    new = service.certificate_reissue(enrollment=w.enrollment_a, by=w.trainer, reason="Sai tên")
    old.refresh_from_db()
    assert old.status == Document.Status.VOID and new.replaces == old
    assert "Nguyễn Thị Ánh Hồng" in pdf_text(_strict(new))
    assert service.certificate_for(w.enrollment_a) == new
    cache.clear()
    html = Client().get(reverse("verify", kwargs={"code": old.code})).content.decode()
    assert 'data-testid="verify-void"' in html and new.reference in html


def test_issue_all_and_one_pdf_for_the_class(world):
    w = world
    for i in range(3):
        from ctxh.workforce.tests.factories import PersonFactory

        Enrollment.objects.create(
            training_class=w.training_class,
            person=PersonFactory(full_name=f"Lê Văn Học {i}"),
            status=Enrollment.Status.ACCEPTED,
            completed=True,
        )
    issued = service.certificates_issue_all(training_class=w.training_class, by=w.trainer)
    assert len(issued) == 4  # A and the three; not B
    assert service.certificates_issue_all(training_class=w.training_class, by=w.trainer) == []
    numbers = sorted(d.number for d in issued)
    assert numbers == [1, 2, 3, 4]
    pdf = service.class_certificates_pdf(w.training_class)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 4
    text = pdf_text(pdf)
    assert "Nguyễn Thị Ánh" in text and "Lê Văn Học 2" in text and "Trần Văn Bảo" not in text
    for document in issued:
        assert document.code in text
    # The page: download all as one PDF.
    response = client_for(w.trainer).get(
        reverse("training:certificates_pdf", kwargs={"pk": w.training_class.pk})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 4


def test_certificates_page_issue_all_and_person_downloads_own(world):
    w = world
    client = client_for(w.trainer)
    url = reverse("training:certificates", kwargs={"pk": w.training_class.pk})
    page = client.get(url).content.decode()
    assert 'data-testid="issue-all"' in page and "Nguyễn Thị Ánh" in page
    done = client.post(url, {"action": "issue_all"}, follow=True).content.decode()
    assert "Đã cấp 1 giấy chứng nhận" in done
    document = service.certificate_for(w.enrollment_a)
    own = client_for(w.person_user_a).get(
        reverse("training:certificate", kwargs={"pk": w.enrollment_a.pk})
    )
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert "Nguyễn Thị Ánh" in pdf_text(own.content)
    mine = client_for(w.person_user_a).get(reverse("training:me")).content.decode()
    assert document.reference in mine
    # Someone else's certificate: not found.
    other = client_for(w.person_user_a).get(
        reverse("training:certificate", kwargs={"pk": w.enrollment_b.pk})
    )
    assert other.status_code == 404


def test_certificate_page_refuses_who_did_not_complete_with_a_message(world):
    w = world
    url = reverse("training:certificate", kwargs={"pk": w.enrollment_b.pk})
    client = client_for(w.trainer)  # signed in before the snapshot (login writes)
    before = database_snapshot()
    page = client.post(url, follow=True).content.decode()
    assert "chưa hoàn thành lớp học" in page
    after = database_snapshot()
    assert {k: v for k, v in after.items() if k != "django_session"} == {
        k: v for k, v in before.items() if k != "django_session"
    }


def test_scores_form_out_of_range_shows_a_message(world):
    w = world
    TrainingClass.objects.filter(pk=w.training_class.pk).update(status="running")
    url = reverse("training:certificates", kwargs={"pk": w.training_class.pk})
    page = client_for(w.trainer).post(
        url, {"action": "scores", f"score_{w.enrollment_a.pk}": "11"}, follow=True
    )
    assert "Điểm kiểm tra phải là số từ 0 đến 10" in page.content.decode()
    assert Enrollment.objects.get(pk=w.enrollment_a.pk).test_score is None


def test_my_training_empty_state(permission_world):
    page = client_for(permission_world.nobody).get(reverse("training:me")).content.decode()
    assert 'data-testid="no-person"' in page
    mine = client_for(permission_world.person_user_a).get(reverse("training:me"))
    html = mine.content.decode()
    assert permission_world.training_class.name in html
    assert "Trường Đại học Thử" in html  # the degree training
