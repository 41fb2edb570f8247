"""Searching people: citizen IDs are never matched inside (issue 8, section 6), and the
best matches come first, in Vietnamese name order (issue 9)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctxh.accounts.models import Membership
from ctxh.testing import client_for, make_user
from ctxh.workforce.models import Person
from ctxh.workforce.selectors import person_list
from ctxh.workforce.tests.factories import PersonFactory, employ

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def found(user, query) -> list[str]:
    return [p.full_name for p in person_list(user=user, query=query)]


def windows(value: str, size: int) -> list[str]:
    return [value[i : i + size] for i in range(len(value) - size + 1)]


def test_search_text_never_holds_the_citizen_id(person_a):
    person_a.refresh_from_db()
    assert person_a.cccd == "079190001234"
    assert "079190001234" not in person_a.search_text
    assert person_a.search_text == "nguyen thi anh"


def test_a_viewer_finds_no_one_by_any_part_of_a_citizen_id(viewer, person_a, person_b):
    cccd = person_a.cccd
    probes = [w for size in range(3, 13) for w in windows(cccd, size)]
    probes += [p.translate(FULL_WIDTH) for p in probes]  # full-width digits
    probes += [
        "079 190 001 234",
        "079.190.001.234",
        "0791-9000-1234",
        " ０７９ １９０ ００１ ２３４ ",
        "079\u200b190\u200b001\u200b234",  # zero-width spaces
        "\u2060" + cccd,
        "90001",  # the 59-request attack: 5-digit windows
    ]
    for probe in probes:
        assert found(viewer, probe) == [], probe
    body = client_for(viewer).get("/workforce/", {"q": "９０００１"}).content.decode()
    assert 'data-testid="count">0<' in body and "Nguyễn Thị Ánh" not in body


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.integers(0, 9),
    size=st.integers(3, 12),
    separator=st.sampled_from(["", " ", ".", "-", "\u200b", "\u00a0", "\ufeff"]),
    wide=st.booleans(),
)
def test_no_spelling_of_an_id_fragment_finds_anyone_for_a_viewer(
    viewer, person_a, start, size, separator, wide
):
    fragment = person_a.cccd[start : start + size]
    query = separator.join(fragment)
    query = query.translate(FULL_WIDTH) if wide else query
    assert found(viewer, query) == []


def test_the_programme_office_finds_a_person_by_the_whole_id_only(
    programme_user, person_a, person_b
):
    for query in (
        "079190001234",
        "079 190 001 234",
        "079.190.001.234",
        "０７９１９０００１２３４",
        "079\u200b190001234",
    ):
        assert found(programme_user, query) == ["Nguyễn Thị Ánh"], query
    for fragment in ("07919000123", "90001", "001234"):
        assert found(programme_user, fragment) == [], fragment
    body = client_for(programme_user).get("/workforce/", {"q": "079 190 001 234"}).content
    assert "Nguyễn Thị Ánh".encode() in body and "Trần Văn Bảo".encode() not in body


def test_the_id_is_found_only_where_the_user_may_see_ids(viewer, facility_b, person_a, person_b):
    # A viewer who also manages facility B sees everyone, but IDs only of B's people.
    Membership.objects.create(user=viewer, organization=facility_b, role="facility_manager")
    assert found(viewer, person_a.cccd) == []
    assert found(viewer, person_b.cccd) == ["Trần Văn Bảo"]


def test_a_manager_finds_own_people_by_id(manager_a, person_a):
    assert found(manager_a, "079 190 001 234") == ["Nguyễn Thị Ánh"]


# --- ranking and order (issue 9) --------------------------------------------------------


def _people(names, organization):
    people = [PersonFactory(full_name=name) for name in names]
    for person in people:
        employ(person, organization)
    return people


def test_best_matches_first_then_vietnamese_order(programme_user, facility_a):
    _people(
        [
            "Nguyễn Văn Lan",  # "an" only inside a word: substring
            "Nguyễn Văn Anh",  # every term at a word start
            "Trần Nguyễn Văn An",  # the phrase, inside
            "Nguyễn Văn An",
            "Văn Nguyễn An",  # every term at a word start, not the phrase
            "Nguyễn Văn An",
            "Nguyễn Văn Ân",  # accents never matter to the search: the phrase too
            "Nguyễn Văn An",
            "Nguyễn Thị Ngân",  # "van" missing: not found
        ],
        facility_a,
    )
    names = found(programme_user, "nguyen van an")
    assert names == [
        # the exact phrase, by given name (An < Ân), then family and middle names
        "Nguyễn Văn An",
        "Nguyễn Văn An",
        "Nguyễn Văn An",
        "Trần Nguyễn Văn An",
        "Nguyễn Văn Ân",
        # every term at a word start: An < Anh
        "Văn Nguyễn An",
        "Nguyễn Văn Anh",
        # a substring only
        "Nguyễn Văn Lan",
    ]
    body = client_for(programme_user).get("/workforce/", {"q": "Nguyễn Văn An"}).content.decode()
    first = body.find("Nguyễn Văn An<")
    assert 0 < first < body.find("Văn Nguyễn An") < body.find("Nguyễn Văn Lan")


def test_the_list_is_in_vietnamese_name_order(programme_user, facility_a):
    _people(
        ["Trần Thị Ánh", "Lê Văn Bình", "Nguyễn Văn An", "Đỗ Thị Ánh", "Phạm Văn Đức"],
        facility_a,
    )
    _people(["Võ Thị Dung", "Hồ Ân", "Ngô Anh", "Bùi Thị Ẩn"], facility_a)
    expected = [
        "Nguyễn Văn An",
        "Ngô Anh",
        "Đỗ Thị Ánh",
        "Trần Thị Ánh",
        "Hồ Ân",
        "Bùi Thị Ẩn",
        "Lê Văn Bình",
        "Võ Thị Dung",
        "Phạm Văn Đức",
    ]
    assert found(programme_user, None) == expected
    assert list(Person.objects.values_list("full_name", flat=True)) == expected
    body = client_for(programme_user).get("/workforce/").content.decode()
    positions = [body.find(f">{name}<") for name in expected]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
    body = client_for(programme_user).get("/workforce/", {"sort": "-full_name"}).content.decode()
    positions = [body.find(f">{name}<") for name in reversed(expected)]
    assert positions == sorted(positions)


def test_a_clicked_column_overrides_the_ranking(programme_user, facility_a, facility_b):
    _people(["Nguyễn Văn An", "Nguyễn Văn Anh"], facility_a)
    _people(["Lê An"], facility_b)
    client = client_for(programme_user)
    assert found(programme_user, "an") == ["Lê An", "Nguyễn Văn An", "Nguyễn Văn Anh"]
    body = client.get("/workforce/", {"q": "an", "sort": "-full_name"}).content.decode()
    assert 0 < body.find(">Nguyễn Văn Anh<") < body.find(">Nguyễn Văn An<") < body.find(">Lê An<")


def test_the_ward_choices_are_in_vietnamese_order_without_double_spaces(programme_user, wards):
    from ctxh.workforce.filters import PersonFilter

    choices = PersonFilter(user=programme_user, province_code=79).filters["ward"].extra["choices"]
    names = [name for _code, name in choices]
    assert len(names) == 168
    assert "Phường Rạch Dừa" in names and not any("  " in n for n in names)
    from ctxh.core.collation import sort_key

    assert names == sorted(names, key=sort_key)
    assert (
        names.index("Phường An Đông") < names.index("Phường Bà Rịa") < names.index("Xã An Nhơn Tây")
    )


def test_a_user_without_view_sensitive_gets_nothing_for_a_whole_id_either(viewer, person_a):
    user = make_user("viewer", person_a.current_organization)
    assert found(user, person_a.cccd) == [] and found(viewer, person_a.cccd) == []
