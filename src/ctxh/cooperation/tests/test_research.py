"""Research projects, good practices, awards: a partner manages its own, publishing is the
programme office's, the portal's selectors return public facts only."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ctxh.cooperation.models import GoodPractice, ResearchProject
from ctxh.cooperation.selectors.research import published_practices, published_research
from ctxh.cooperation.services.research import award_create, practice_save, research_save
from ctxh.testing import database_snapshot

from .world import PDF

pytestmark = pytest.mark.django_db


def test_a_partner_edits_its_own_projects_only(permission_world):
    w = permission_world
    research_save(by=w.coordinator, project=w.research_a, results="Đã khảo sát 420 người.")
    with pytest.raises(PermissionDenied):
        research_save(by=w.coordinator, project=w.research_b, title="Không phải của tôi")
    assert (
        w.client("coordinator")
        .get(reverse("cooperation:research_edit", args=[w.research_b.pk]))
        .status_code
        == 404
    )


def test_only_the_programme_office_publishes(permission_world):
    w = permission_world
    before = database_snapshot()
    with pytest.raises(PermissionDenied):
        research_save(by=w.coordinator, project=w.research_a, published=True)
    assert database_snapshot() == before
    research_save(by=w.programme, project=w.research_a, published=True)
    with pytest.raises(ValidationError):  # nothing to publish yet
        research_save(by=w.programme, project=w.research_b, published=True)


def test_reports_are_attached_and_a_bad_one_writes_nothing(permission_world):
    w = permission_world
    research_save(
        by=w.coordinator, project=w.research_a, reports=[SimpleUploadedFile("bao-cao.pdf", PDF)]
    )
    assert [a.original_name for a in w.research_a.reports.all()] == ["bao-cao.pdf"]
    before = database_snapshot()
    with pytest.raises(ValidationError):
        research_save(
            by=w.coordinator,
            project=w.research_a,
            title="Tên khác",
            reports=[SimpleUploadedFile("bao-cao.docx", PDF)],
        )
    assert database_snapshot() == before


def test_a_practice_contact_is_a_role_not_a_phone(permission_world):
    w = permission_world
    with pytest.raises(ValidationError) as error:
        practice_save(
            by=w.manager_a, practice=w.good_practice_a, contact_role="Chị Lan 0909 123 456"
        )
    assert "contact_role" in error.value.message_dict


def test_replication_is_followed(permission_world):
    w = permission_world
    practice_save(by=w.manager_a, practice=w.good_practice_a, applied_at=[w.facility_b])
    assert list(w.facility_b.practices_applied.all()) == [w.good_practice_a]
    page = w.client("programme").get(
        reverse("cooperation:practices"), {"applied_at": w.facility_b.pk}
    )
    assert w.good_practice_a.title in page.content.decode()


def test_the_portal_selectors_return_public_facts_only(permission_world):
    w = permission_world
    research_save(by=w.programme, project=w.research_a, published=True, partners=[w.school_b])
    practice_save(
        by=w.programme, practice=w.good_practice_a, published=True, applied_at=[w.facility_b]
    )
    research = published_research()
    assert [r.title for r in research] == [w.research_a.title]
    assert research[0].partners == (w.school_b.name,)
    assert published_research(q="nhu cau cao tuoi")[0].pk == w.research_a.pk
    assert published_research(level="national") == []
    practices = published_practices()
    assert [p.title for p in practices] == [w.good_practice_a.title]
    assert practices[0].contact == f"{w.facility_a.name} — Phòng Công tác xã hội"
    fields = {f.name for f in dataclasses.fields(practices[0])} | {
        f.name for f in dataclasses.fields(research[0])
    }
    assert not fields & {"published", "files", "reports", "created_by", "person"}
    assert not ResearchProject.objects.filter(published=True).exclude(pk=w.research_a.pk).exists()
    assert GoodPractice.objects.filter(published=False).count() == 1


def test_the_research_list_filters_and_searches(permission_world):
    w = permission_world
    client = w.client("viewer")
    page = client.get(reverse("cooperation:research"), {"q": "kiem huan", "level": "national"})
    body = page.content.decode()
    assert w.research_b.title in body and w.research_a.title not in body


def test_an_award_to_a_person_is_filed_under_their_organisation(permission_world):
    w = permission_world
    award = award_create(
        by=w.programme,
        kind="award",
        title="Giải thưởng",
        person=w.person_b,
        decision_number="1/QĐ",
        decision_date=dt.date(2025, 3, 25),
        issuer="UBND Thành phố",
    )
    assert award.organization == w.facility_b and award.recipient == w.person_b.full_name
    with pytest.raises(ValidationError):
        award_create(
            by=w.programme,
            kind="award",
            title="x",
            decision_number="2",
            decision_date=dt.date(2025, 1, 1),
            issuer="y",
        )
    with pytest.raises(PermissionDenied):
        award_create(
            by=w.coordinator,
            kind="award",
            title="x",
            organization=w.school,
            decision_number="3",
            decision_date=dt.date(2025, 1, 1),
            issuer="y",
        )
