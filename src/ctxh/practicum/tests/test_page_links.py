"""The links that carry a user from page to page through the procedure (found missing by
the browser journey): a round's students link to their ranking (entered by the school) and
to their placement; a placement links to its letters for those who issue or hold them."""

import pytest
from django.urls import reverse

from ctxh.practicum.models import Placement
from ctxh.testing import client_for

pytestmark = pytest.mark.django_db


def test_round_students_link_to_their_ranking_and_placement(permission_world):
    w = permission_world
    page = client_for(w.coordinator).get(reverse("practicum:round_detail", args=[w.round_a.pk]))
    body = page.content.decode()
    assert reverse("practicum:student_preferences", args=[w.pstudent_a.pk]) in body
    # The past period's round: its student has a proposal, linked to its page.
    student = w.placement_a.student
    past = client_for(w.coordinator).get(reverse("practicum:round_detail", args=[student.round_id]))
    body = past.content.decode()
    assert reverse("practicum:placement_detail", args=[w.placement_a.pk]) in body
    assert f'data-testid="placement-{student.pk}"' in body
    # The programme office may view the round but ranks for students too: the link stays;
    # a facility manager never sees the round (404), so nothing to hide there.
    office = client_for(w.programme).get(reverse("practicum:round_detail", args=[w.round_a.pk]))
    assert reverse("practicum:student_preferences", args=[w.pstudent_a.pk]) in (
        office.content.decode()
    )


def test_round_students_without_the_right_to_rank_get_no_ranking_link(permission_world):
    w = permission_world
    page = client_for(w.viewer).get(reverse("practicum:round_detail", args=[w.round_a.pk]))
    assert page.status_code == 200  # the viewer reads rounds, ranks for nobody
    body = page.content.decode()
    assert "Lê Thị Hoa" in body
    assert reverse("practicum:student_preferences", args=[w.pstudent_a.pk]) not in body


def test_placement_page_links_to_the_letters_of_its_readers(permission_world):
    w = permission_world
    url = reverse("practicum:placement_detail", args=[w.placement_a.pk])
    referral = reverse("practicum:letter_referral", args=[w.placement_a.pk])
    acceptance = reverse("practicum:letter_acceptance", args=[w.placement_a.pk])

    school = client_for(w.coordinator).get(url).content.decode()
    assert referral in school and acceptance not in school  # proposed: no acceptance yet
    facility = client_for(w.manager_a).get(url).content.decode()
    assert referral not in facility and acceptance not in facility
    student = client_for(w.past_student_a).get(url).content.decode()
    assert referral in student

    Placement.objects.filter(pk=w.placement_a.pk).update(status=Placement.Status.ACCEPTED)
    facility = client_for(w.manager_a).get(url).content.decode()
    assert acceptance in facility and referral not in facility
    school = client_for(w.coordinator).get(url).content.decode()
    assert referral in school and acceptance not in school
    # The linked pages answer those readers.
    assert client_for(w.coordinator).get(referral).status_code == 200
    assert client_for(w.manager_a).get(acceptance).status_code == 200

    Placement.objects.filter(pk=w.placement_a.pk).update(status=Placement.Status.DECLINED)
    declined = client_for(w.coordinator).get(url).content.decode()
    assert 'data-testid="letters"' not in declined
