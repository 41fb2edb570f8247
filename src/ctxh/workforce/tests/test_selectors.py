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
    assert [p.pk for p in paged[0:2]] + [p.pk for p in paged[2:50]] == expected
    assert paged[10:20] == []


def test_a_page_carries_its_joins(people, programme_user, django_assert_num_queries):
    page = person_list(user=programme_user)[0:10]
    with django_assert_num_queries(0):
        assert all(p.current_organization.name for p in page)
        assert sum(hasattr(p, "field_instructor") for p in page) == 1


def test_scope_still_applies(people, manager_a, facility_a):
    names = {p.full_name for p in person_list(user=manager_a)[0:25]}
    assert names == {"Nguyễn Văn An", "Nguyễn Thu", "Đỗ Thu Vân"}
    assert {p.full_name for p in person_list(user=manager_a, query="thu")[0:25]} == {
        "Nguyễn Thu",
        "Đỗ Thu Vân",
    }
