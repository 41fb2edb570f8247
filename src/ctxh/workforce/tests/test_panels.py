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
    # the student's school is not the facility: 404; but its own school page has no staff panel
    assert client_for(student_a).get(url).status_code == 404
    school = student_a.memberships.get().organization
    page = client_for(student_a).get(f"/organizations/{school.pk}/").content.decode()
    assert 'data-testid="panel-staff"' not in page


def test_ids_in_links_are_never_formatted_with_thousand_separators(programme_user, facility_a):
    from ctxh.workforce.models import Person
    from ctxh.workforce.tests.factories import PersonFactory, give_access_purpose

    person = PersonFactory(id=123456)
    assert Person.objects.filter(pk=123456).exists()
    client = client_for(programme_user)
    give_access_purpose(client, person)
    page = client.get(f"/workforce/{person.pk}/").content.decode()
    assert "?person=123456" in page
