"""The practicum's to-dos on the home page, per role."""

import pytest

from ctxh.practicum.panels import home_todos

pytestmark = pytest.mark.django_db


def _labels(user):
    return [item["label"] for item in home_todos(None, user)]


def test_a_student_with_an_open_ranking_is_asked_to_rank(permission_world):
    labels = _labels(permission_world.student)
    assert any("Đăng ký nguyện vọng" in label or "Rank" in label for label in labels)


def test_a_coordinator_sees_students_without_preferences(permission_world):
    # School B's student has no preference in the open period; school A's has one.
    assert any("1" in label for label in _labels(permission_world.coordinator_b))
    assert _labels(permission_world.coordinator) == []


def test_a_facility_sees_its_proposals_and_nothing_of_others(permission_world):
    assert len(_labels(permission_world.manager_a)) == 1
    assert len(_labels(permission_world.ward_officer_a)) == 0
    assert _labels(permission_world.nobody) == []


def test_a_student_in_practice_elsewhere_finds_the_logbook_on_the_board(permission_world):
    """The board shows the period taking preferences; a student in practice in another
    period is pointed to their logbook first."""
    w = permission_world
    page = w.client("practising_student").get("/practicum/")
    assert page.status_code == 200
    assert b'data-testid="practising"' in page.content
    assert f"/practicum/placements/{w.placement_practice.pk}/logbook/".encode() in page.content
    assert b'data-testid="practising"' not in w.client("student").get("/practicum/").content
