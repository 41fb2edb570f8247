"""The cooperation's demo data: 7 agreements of 2023 with their plans, the first year's
achievements done, some tasks late, research, practices, awards; written once."""

from __future__ import annotations

import pytest

from ctxh.cooperation.models import ActionPlan, Agreement, GoodPractice, ResearchProject, Task
from ctxh.core.models import AuditEvent
from ctxh.demo.cooperation import load_cooperation
from ctxh.demo.organizations import SCHOOLS
from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_agreements_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    OrganizationFactory(code="SYT-HCM", kind="agency", name="Sở Y tế")
    for code, name in SCHOOLS:
        OrganizationFactory(code=code, kind="school", name=name)
    for i in range(5):
        FacilityFactory(code=f"CS-{i + 1:03d}", name=f"Cơ sở {i + 1}")
    counts = load_cooperation()
    assert counts["agreements"] == 7
    assert Agreement.objects.filter(signed_on__year=2023, status="in_force").count() == 7
    assert all(a.signed_file and a.signed_file.file.size > 0 for a in Agreement.objects.all())
    assert ActionPlan.objects.filter(year=2024).count() == 7
    assert ActionPlan.objects.filter(year=2025).count() == 7
    done_2024 = Task.objects.filter(plan__year=2024, status="done")
    titles = " ".join(done_2024.values_list("title", flat=True))
    assert "Ngày Công tác xã hội Việt Nam lần thứ 8" in titles
    assert "Chuyên nghiệp hóa dịch vụ Công tác xã hội" in titles
    assert "quy trình giới thiệu sinh viên" in titles
    assert counts["late_tasks"] > 0
    assert (
        ResearchProject.objects.count() == 12
        and ResearchProject.objects.filter(published=True).exists()
    )
    assert GoodPractice.objects.count() == 12
    assert AuditEvent.objects.filter(action="cooperation.load_demo").count() == 1
    assert load_cooperation() is None  # written once
    assert Agreement.objects.count() == 7
