"""The one permission table: each app registers its rows; bad rows are refused."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from ctxh.core import roles
from ctxh.core.roles import ALL, ORG, PERMISSIONS, Role, register, rows


def test_each_app_contributed_its_rows():
    assert PERMISSIONS["core.auditevent"]["view"] == {"programme_office": ALL, "viewer": ALL}
    assert PERMISSIONS["organizations.organization"]["change"] == {
        "programme_office": ALL,
        "facility_manager": ORG,
        "ward_officer": ORG,
    }
    assert PERMISSIONS["workforce.person"]["view_sensitive"] == {
        "programme_office": ALL,
        "ward_officer": ORG,
        "facility_manager": ORG,
    }
    assert "view_role_table" in PERMISSIONS["accounts.membership"]
    for actions in PERMISSIONS.values():
        for grants in actions.values():
            assert set(grants) <= set(Role.values)


@pytest.mark.parametrize(
    "label, actions, message",
    [
        ("workforce.nosuchmodel", {"view": {"viewer": ALL}}, "unknown model"),
        ("workforce.person", {"view": {"janitor": ALL}}, "unknown role"),
        ("workforce.person", {"view": {"viewer": "galaxy"}}, "unknown reach"),
        ("workforce.person", {"view": {"viewer": ORG}}, "already registered"),
    ],
)
def test_bad_rows_are_refused_and_change_nothing(label, actions, message):
    before = {k: {a: dict(g) for a, g in v.items()} for k, v in PERMISSIONS.items()}
    with pytest.raises(ImproperlyConfigured, match=message):
        register(label, actions)
    assert before == PERMISSIONS


def test_registering_the_same_rows_again_is_harmless():
    same = {a: dict(g) for a, g in PERMISSIONS["core.job"].items()}
    register("core.job", same)
    assert PERMISSIONS["core.job"] == same


def test_rows_read_as_one_table():
    lines = list(rows())
    person_view = next(
        r for r in lines if r.model_label == "workforce.person" and r.action == "view"
    )
    assert len(person_view.reaches) == len(Role.values)
    assert person_view.reaches[Role.values.index("viewer")] == ALL
    assert person_view.reaches[Role.values.index("student")] is None
    assert {r.model_label for r in lines} == set(PERMISSIONS)
    assert roles.reach("workforce.person", "add", "viewer") is None
