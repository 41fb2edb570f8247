"""The offers and preferences pages: what each role sees, the no-JS ranking form, 404 outside
one's scope, the student's board section, and constant query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import override

from ctxh.practicum.models import Offer, PracticeSite, Preference
from ctxh.practicum.selectors.offers import facility_offers

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(permission_world):
    return permission_world


def _ranking(student) -> list[int]:
    return list(
        Preference.objects.filter(student=student).order_by("rank").values_list("offer", flat=True)
    )


def _many_offers(w, n: int) -> None:
    """``n`` more published offers, each at its own facility of the network."""
    from ctxh.organizations.tests.factories import FacilityFactory
    from ctxh.practicum.models import PeriodInstructor
    from ctxh.workforce.models import FieldInstructor
    from ctxh.workforce.tests.factories import PersonFactory, employ

    start = Offer.objects.count()
    for i in range(n):
        facility = FacilityFactory(code=f"MANY-{start}-{i}", ward=w.ward_b)
        PracticeSite.objects.create(
            facility=facility, practice_types=["casework"], levels=["university_3"]
        )
        fi = FieldInstructor.objects.create(person=PersonFactory(), max_students=3)
        employ(fi.person, facility)
        row = PeriodInstructor.objects.create(
            period=w.period, facility=facility, instructor=fi, capacity=2
        )
        offer = Offer.objects.create(
            period=w.period,
            facility=facility,
            practice_type="casework",
            level="university_3",
            seats=3,
            status=Offer.Status.PUBLISHED,
        )
        offer.instructors.add(row)


def test_offers_list_shows_published_to_all_and_drafts_to_their_facility(w):
    url = reverse("practicum:offers") + f"?period={w.period.pk}"
    student_page = w.client("student").get(url).content.decode()
    assert "Cơ sở A" in student_page and "Cơ sở B" in student_page
    assert reverse("practicum:offer_publish", args=[w.offer_draft_a.pk]) not in student_page
    manager_page = w.client("manager_a").get(url).content.decode()
    assert reverse("practicum:offer_publish", args=[w.offer_draft_a.pk]) in manager_page
    assert reverse("practicum:offer_edit", args=[w.offer_b.pk]) not in manager_page
    programme_page = w.client("programme").get(url).content.decode()
    assert 'id="on-behalf"' in programme_page
    assert reverse("practicum:offer_edit", args=[w.offer_b.pk]) in programme_page
    filtered = w.client("student").get(url + "&q=co so b").content.decode()
    assert "Cơ sở B" in filtered and reverse("practicum:offers") in filtered
    assert filtered.count('data-testid="offer-row"') == 1


def test_offers_list_query_count_is_constant(w, django_assert_max_num_queries):
    url = reverse("practicum:offers") + f"?period={w.period.pk}"
    client = w.client("manager_a")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many_offers(w, 12)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="offer-row"') == 15


def test_offer_create_for_another_facility_is_404(w):
    url = reverse("practicum:offer_create")
    data = {"period": w.period.pk, "facility": w.facility_a.pk, "practice_type": "casework"}
    assert w.client("manager_b").get(url, {"facility": w.facility_a.pk}).status_code == 404
    assert w.client("manager_b").post(url, {**data, "level": "university_4"}).status_code == 404
    # The programme office chooses the facility first.
    chooser = w.client("programme").get(url, {"period": w.period.pk})
    assert chooser.status_code == 200 and b'name="facility"' in chooser.content


def test_offer_create_shows_the_services_refusal_on_the_form(w):
    response = w.client("manager_a").post(
        reverse("practicum:offer_create"),
        {
            "period": w.period.pk,
            "facility": w.facility_a.pk,
            "practice_type": "casework",
            "level": "university_3",  # offer A already
            "seats": "2",
        },
    )
    assert response.status_code == 200
    assert "already has an offer" in response.content.decode() or (
        "đã có chỉ tiêu" in response.content.decode()
    )
    assert Offer.objects.filter(period=w.period).count() == 3


def test_period_instructors_of_another_facility_is_404(w):
    url = reverse("practicum:period_instructors", args=[w.period.pk])
    client = w.client("manager_b")
    assert client.get(url, {"facility": w.facility_a.pk}).status_code == 404
    remove = {"op": "remove", "facility": w.facility_b.pk, "row": w.period_instructor_a.pk}
    assert client.post(url, remove).status_code == 404
    assert w.period_instructor_a.__class__.objects.filter(pk=w.period_instructor_a.pk).exists()


def test_period_instructor_over_capacity_shows_on_the_form(w):
    url = reverse("practicum:period_instructors", args=[w.period.pk])
    with override("en"):
        response = w.client("manager_a").post(
            url,
            {
                "op": "add",
                "facility": w.facility_a.pk,
                "instructor": w.field_instructor_a.pk,
                "capacity": "9",
            },
        )
    assert response.status_code == 200
    assert w.period_instructor_a.__class__.objects.get(pk=w.period_instructor_a.pk).capacity == 3


def test_another_students_preferences_are_404(w):
    url = reverse("practicum:student_preferences", args=[w.pstudent_b.pk])
    assert w.client("student").get(url).status_code == 404
    assert w.client("student").post(url, {"op": "save"}).status_code == 404
    assert w.client("coordinator").get(url).status_code == 404
    assert w.client("coordinator_b").get(url).status_code == 200


def test_my_preferences_without_js_rank_selects(w):
    PracticeSite.objects.create(
        facility=w.facility_b, practice_types=["casework"], levels=["university_3"]
    )
    client = w.client("student")
    url = reverse("practicum:my_preferences")
    page = client.get(url).content.decode()
    assert f'name="rank-{w.offer_b.pk}"' in page and 'data-testid="deadline"' in page
    # A duplicate rank: refused with a message, nothing written.
    response = client.post(
        url, {"op": "save", f"rank-{w.offer_a.pk}": "1", f"rank-{w.offer_b.pk}": "1"}
    )
    assert response.status_code == 200 and 'data-testid="error"' in response.content.decode()
    assert _ranking(w.pstudent_a) == [w.offer_a.pk]
    response = client.post(
        url, {"op": "save", f"rank-{w.offer_a.pk}": "2", f"rank-{w.offer_b.pk}": "1"}
    )
    assert response.status_code == 302
    assert _ranking(w.pstudent_a) == [w.offer_b.pk, w.offer_a.pk]
    client.post(url, {"op": f"down:{w.offer_b.pk}"})
    assert _ranking(w.pstudent_a) == [w.offer_a.pk, w.offer_b.pk]
    client.post(url, {"op": f"remove:{w.offer_a.pk}"})
    assert _ranking(w.pstudent_a) == [w.offer_b.pk]
    client.post(url, {"op": f"add:{w.offer_a.pk}"})
    assert _ranking(w.pstudent_a) == [w.offer_b.pk, w.offer_a.pk]


def test_my_preferences_shows_ineligible_offers_with_the_reason(w):
    page = w.client("student").get(reverse("practicum:my_preferences")).content.decode()
    assert 'data-testid="ineligible"' in page
    assert "Cơ sở B" in page.split('data-testid="ineligible"')[1]
    # Adding an ineligible offer by hand: refused, with the reason.
    response = w.client("student").post(
        reverse("practicum:my_preferences"), {"op": f"add:{w.offer_b.pk}"}
    )
    assert response.status_code == 200 and 'data-testid="error"' in response.content.decode()
    assert _ranking(w.pstudent_a) == [w.offer_a.pk]


def test_my_preferences_for_a_user_who_is_no_student(w):
    response = w.client("coordinator").get(reverse("practicum:my_preferences"))
    assert response.status_code == 200 and b'data-testid="not-a-student"' in response.content


def test_my_preferences_query_count_is_constant(w, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = w.client("student")
    url = reverse("practicum:my_preferences")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many_offers(w, 12)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count('name="rank-') == 13


def test_student_board_section(w):
    page = w.client("student").get(reverse("practicum:board")).content.decode()
    assert 'data-testid="board-student"' in page
    assert reverse("practicum:my_preferences") in page
    ranking = page.split('data-testid="board-ranking"')[1].split("</ol>")[0]
    assert "Cơ sở A" in ranking
    # The past period: the proposal shows, without letters while their pages do not exist.
    past_student = w.placement_a.student.user
    from ctxh.testing import client_for

    past = client_for(past_student).get(reverse("practicum:board"), {"period": w.past_period.pk})
    text = past.content.decode()
    assert past.status_code == 200 and "Cơ sở A" in text
    assert 'data-testid="board-student"' in text
    # Someone who is not a student has no student section.
    other = w.client("coordinator").get(reverse("practicum:board")).content.decode()
    assert 'data-testid="board-student"' not in other


def test_facility_offers_selector(w):
    offers = facility_offers(w.manager_a, w.period)
    assert {o.pk for o in offers} == {w.offer_a.pk, w.offer_draft_a.pk}
    offer_a = next(o for o in offers if o.pk == w.offer_a.pk)
    assert (offer_a.seats, offer_a.instructor_places, offer_a.preference_count) == (4, 3, 1)
    assert facility_offers(w.programme, w.period) == []
    assert facility_offers(w.student, w.period) == []
