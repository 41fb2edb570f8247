"""Degree training: saved within the sending organisation's scope, validated, audited;
the list's filters, search and Excel export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from ctxh.core.models import AuditEvent
from ctxh.testing import client_for
from ctxh.training.models import DegreeTraining
from ctxh.training.services.degree import degree_save

pytestmark = pytest.mark.django_db


def _fields(w, **extra):
    return {
        "person": w.person_a,
        "level": "master",
        "institution": "Trường Đại học Khoa học Xã hội và Nhân văn",
        "starts_on": dt.date(2025, 9, 1),
        "funding": "programme",
        **extra,
    }


def test_save_defaults_to_the_person_organisation_and_audits(permission_world):
    w = permission_world
    degree = degree_save(by=w.manager_a, **_fields(w))
    assert degree.organization == w.facility_a
    assert AuditEvent.objects.filter(action="degreetraining.create", actor=w.manager_a).exists()
    degree_save(by=w.manager_a, degree=degree, actual_end=dt.date(2027, 6, 30))
    event = AuditEvent.objects.get(action="degreetraining.update")
    assert event.new_values == {"actual_end": "2027-06-30"}


def test_save_outside_scope_or_invalid_is_refused(permission_world):
    w = permission_world
    with pytest.raises(PermissionDenied):
        degree_save(by=w.manager_b, **_fields(w))
    with pytest.raises(PermissionDenied):
        degree_save(by=w.manager_b, degree=w.degree_a, institution="Khác")
    with pytest.raises(PermissionDenied):
        degree_save(by=w.trainer, **_fields(w))
    with pytest.raises(ValidationError) as error:
        degree_save(by=w.manager_a, **_fields(w, expected_end=dt.date(2020, 1, 1)))
    assert "expected_end" in error.value.error_dict
    assert DegreeTraining.objects.count() == 1


def test_list_filters_search_and_export(permission_world):
    w = permission_world
    degree_save(
        by=w.programme,
        person=w.person_b,
        level="college",
        institution="Cao đẳng Thử",
        starts_on=dt.date(2021, 9, 1),
        actual_end=dt.date(2024, 6, 1),
        funding="state",
    )
    client = client_for(w.programme)
    url = reverse("training:degrees")
    html = client.get(url).content.decode()
    assert "Nguyễn Thị Ánh" in html and "Trần Văn Bảo" in html
    graduated = client.get(url, {"status": "graduated"}).content.decode()
    assert "Trần Văn Bảo" in graduated and "Nguyễn Thị Ánh" not in graduated
    ongoing = client.get(url, {"status": "ongoing", "level": "university"}).content.decode()
    assert "Nguyễn Thị Ánh" in ongoing and "Trần Văn Bảo" not in ongoing
    searched = client.get(url, {"q": "anh"}).content.decode()  # accent-insensitive
    assert "Nguyễn Thị Ánh" in searched and "Trần Văn Bảo" not in searched
    # The facility's manager sees only their own.
    own = client_for(w.manager_a).get(url).content.decode()
    assert "Nguyễn Thị Ánh" in own and "Trần Văn Bảo" not in own
    export = client.get(url, {"format": "xlsx", "institution": "cao đẳng"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên" and len(rows) == 2 and rows[1][0] == "Trần Văn Bảo"


def test_create_and_edit_pages(permission_world):
    w = permission_world
    client = client_for(w.manager_a)
    picker = client.get(reverse("training:degree_create"), {"q": "anh"}).content.decode()
    assert "Nguyễn Thị Ánh" in picker
    bad = client.post(
        reverse("training:degree_create"),
        {
            "person": w.person_a.pk,
            "level": "master",
            "institution": "Trường Thử",
            "starts_on": "2025-09-01",
            "expected_end": "2024-01-01",
            "funding": "programme",
        },
    )
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    assert DegreeTraining.objects.count() == 1
    edit = client.post(
        reverse("training:degree_edit", kwargs={"pk": w.degree_a.pk}),
        {
            "level": "university",
            "institution": "Trường Đại học Thử",
            "major": "Công tác xã hội",
            "starts_on": w.degree_a.starts_on.isoformat(),
            "actual_end": "2026-06-30",
            "funding": "programme",
        },
    )
    assert edit.status_code == 302
    w.degree_a.refresh_from_db()
    assert w.degree_a.actual_end == dt.date(2026, 6, 30)
    assert w.degree_a.organization == w.facility_a
