"""The training part of the demo, alone on a small registry (the full demo takes about a
minute): the articles' figures read exactly on the statistics page's selectors."""

import datetime as dt

import pytest
from django.utils import timezone

from ctxh.core.models import AuditEvent
from ctxh.demo.training import load_training
from ctxh.organizations.tests.factories import OrganizationFactory
from ctxh.testing import client_for, make_user
from ctxh.training.models import ClassSession, DegreeTraining, Enrollment, TrainingClass
from ctxh.training.selectors import statistics as stats
from ctxh.workforce.models import Person, WorkforceTarget

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(db):
    agency = OrganizationFactory(code="SYT-HCM", kind="agency")
    OrganizationFactory(code="HCTXH", kind="association", name="Hội Công tác xã hội")
    OrganizationFactory(code="DHLDXH-CS2", kind="school", name="Trường Đại học Lao động")
    OrganizationFactory(code="DHKHXHNV-HCM", kind="school", name="Trường Đại học KHXH&NV")
    offices = [OrganizationFactory(kind="ward_office") for _ in range(4)]
    Person.objects.bulk_create(
        Person(
            full_name=f"Người Thử {i}",
            gender="female",
            date_of_birth=dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
            current_organization=offices[i % 4],
            email="instructor1@demo.ctxh.vn" if i == 7 else "",
            search_text=f"nguoi thu {i}",
        )
        for i in range(1200)
    )
    programme = make_user("programme_office", agency, username="programme")
    instructor = make_user("field_instructor", offices[0], username="instructor1")
    return programme, instructor


def test_demo_reads_the_articles_figures(registry):
    programme, instructor = registry
    counts = load_training()
    assert counts["historic_classes"] == 319 and counts["historic_participant_times"] == 23_912
    period = stats.Period(*stats.PERIODS["2010-2020"][1:])
    total = stats.totals(user=programme, period=period)
    assert (total.classes, total.participant_times) == (319, 23_912)
    # Distinct people are far fewer than participant-times: some were trained many times.
    assert total.people < total.participant_times / 10
    by_person = Enrollment.objects.filter(training_class__historic=True, person__isnull=False)
    assert by_person.values("person").distinct().count() == total.people
    assert Enrollment.objects.filter(match_status="review").exists()
    assert Enrollment.objects.filter(match_status="unmatched").exists()
    # The 797 degree trainees, the cooperation year's 500 staff (once each).
    assert DegreeTraining.objects.values("person").distinct().count() == 797
    coop = Enrollment.objects.filter(training_class__code__startswith="HT-2024-")
    assert coop.count() == 500 and coop.values("person").distinct().count() == 500
    # One class open for nominations, one running today with today's session; the
    # trainer's association organises them.
    today = timezone.localdate()
    running = TrainingClass.objects.get(status="running")
    assert running.organizer.code == "HCTXH" and running.starts_on == today
    assert ClassSession.objects.filter(training_class=running, date=today).exists()
    open_class = TrainingClass.objects.get(status="open")
    assert open_class.enrollments.filter(status="nominated").count() == 8
    assert TrainingClass.objects.filter(organizer__code="HCTXH", historic=True).exists()
    # The target, and the demo account linked to its person (in the running class).
    target = WorkforceTarget.objects.get(indicator="workforce_trained")
    assert (target.year, target.percent) == (2025, 30) and "5 năm" in target.source
    person = Person.objects.get(user=instructor)
    assert running.enrollments.filter(person=person, status="accepted").exists()
    assert AuditEvent.objects.filter(action="trainingclass.bulk_load").count() == 1
    page = client_for(programme).get("/training/statistics/?period=2010-2020")
    assert 'data-figure="participant_times">23.912<' in page.content.decode()
    # A second run writes nothing.
    assert load_training() is None
    assert TrainingClass.objects.count() == 319 + 10 + 2
