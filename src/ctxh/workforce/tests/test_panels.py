import pytest

from ctxh.testing import client_for

pytestmark = pytest.mark.django_db


def test_facility_page_lists_its_staff_for_those_who_may_see_people(
    facility_a, person_a, manager_a, programme_user, student_a
):
    url = f"/organizations/{facility_a.pk}/"
    for user in (manager_a, programme_user):
        page = client_for(user).get(url).content.decode()
        assert 'data-testid="panel-staff"' in page
        assert person_a.full_name in page
    # a student sees the facility's public facts (the network), never its staff
    page = client_for(student_a).get(url).content.decode()
    assert 'data-testid="panel-staff"' not in page and person_a.full_name not in page
    school = student_a.memberships.get().organization
    page = client_for(student_a).get(f"/organizations/{school.pk}/").content.decode()
    assert 'data-testid="panel-staff"' not in page


def test_ids_in_links_are_never_formatted_with_thousand_separators(programme_user, facility_a):
    from ctxh.workforce.models import Person
    from ctxh.workforce.tests.factories import PersonFactory

    person = PersonFactory(id=123456)
    assert Person.objects.filter(pk=123456).exists()
    page = client_for(programme_user).get(f"/workforce/{person.pk}/").content.decode()
    assert "?person=123456" in page
