import pytest

from ctxh.workforce.models import FieldInstructor, Person
from ctxh.workforce.selectors import person_list
from ctxh.workforce.tests.factories import PersonFactory, employ

pytestmark = pytest.mark.django_db

NAMES = ["Trần Thu", "Nguyễn Văn An", "Bùi Thu Hà", "Nguyễn Thu", "Lê An", "Đỗ Thu Vân"]


@pytest.fixture
def people(facility_a, facility_b):
    result = []
    for i, name in enumerate(NAMES):
        person = PersonFactory(full_name=name)
        employ(person, facility_a if i % 2 else facility_b)
        result.append(person)
    FieldInstructor.objects.create(person=result[0])
    return result


@pytest.mark.parametrize(
    "ordering",
    [
        ("full_name", "id"),
        ("-full_name", "-id"),
        ("current_organization__name", "full_name"),
        ("-current_organization__name", "full_name", "id"),
        ("date_of_birth", "-id"),
    ],
)
@pytest.mark.parametrize("query", [None, "thu", "nguyen"])
def test_pages_match_a_plain_queryset(people, programme_user, ordering, query):
    paged = person_list(user=programme_user, query=query).order_by(*ordering)
    plain = Person.objects.filter(pk__in=paged.values("pk")).order_by(*ordering)
    expected = list(plain.values_list("pk", flat=True))
    assert [p.pk for p in paged.page(slice(0, 2))] + [
        p.pk for p in paged.page(slice(2, 50))
    ] == expected
    assert paged.page(slice(10, 20)) == []


def test_a_page_carries_its_joins(people, programme_user, django_assert_num_queries):
    queryset = person_list(user=programme_user)
    with django_assert_num_queries(2):  # the ids, then the rows with their joins
        page = queryset.page(slice(0, 10))
    with django_assert_num_queries(0):
        assert all(p.current_organization.name for p in page)
        assert sum(hasattr(p, "field_instructor") for p in page) == 1


def test_a_page_keeps_prefetch_related(people, programme_user, django_assert_num_queries):
    """One query per prefetch lookup for the whole page, not one per row."""
    queryset = person_list(user=programme_user).prefetch_related("employments")
    with django_assert_num_queries(3):  # ids, rows, employments
        page = queryset.page(slice(0, 5))
        assert sum(len(p.employments.all()) for p in page) == 5


def test_scope_still_applies(people, manager_a, facility_a):
    names = {p.full_name for p in person_list(user=manager_a).page(slice(0, 25))}
    assert names == {"Nguyễn Văn An", "Nguyễn Thu", "Đỗ Thu Vân"}
    assert {p.full_name for p in person_list(user=manager_a, query="thu").page(slice(0, 25))} == {
        "Nguyễn Thu",
        "Đỗ Thu Vân",
    }
