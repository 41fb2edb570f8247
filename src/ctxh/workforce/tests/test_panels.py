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
    from ctxh.workforce.tests.factories import PersonFactory, give_access_purpose

    person = PersonFactory(id=123456)
    assert Person.objects.filter(pk=123456).exists()
    client = client_for(programme_user)
    give_access_purpose(client, person)
    page = client.get(f"/workforce/{person.pk}/").content.decode()
    assert "?person=123456" in page


def test_staff_panel_says_when_the_viewer_may_not_see_this_organisations_people(
    facility_a, person_a, ward_office_a, ward_officer_a, manager_a
):
    from ctxh.organizations.models import Organization

    # the ward officer may open the facility's page (in its ward) but not its people
    Organization.objects.filter(pk=facility_a.pk).update(ward=ward_office_a.ward)
    response = client_for(ward_officer_a).get(f"/organizations/{facility_a.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="staff-denied"' in page
    assert "Bạn không có quyền xem nhân sự của tổ chức này." in page
    assert person_a.full_name not in page
    # its own office: nobody employed there, and it says so
    page = client_for(ward_officer_a).get(f"/organizations/{ward_office_a.pk}/").content.decode()
    assert 'data-testid="staff-none"' in page and 'data-testid="staff-denied"' not in page


def test_staff_panel_context_for_each_kind_of_viewer(
    rf, facility_a, person_a, ward_officer_a, manager_a, student_a
):
    from ctxh.workforce.panels import organization_staff

    def context(user):
        request = rf.get("/")
        request.user = user
        return organization_staff(request, facility_a)

    assert context(student_a) is None  # may not see people at all: no panel
    assert context(ward_officer_a) == {"denied": True}
    mine = context(manager_a)
    assert [e.person for e in mine["employments"]] == [person_a] and mine["total"] == 1


def test_home_panels_by_role(
    programme_user, viewer, manager_a, ward_officer_a, person_a, person_b, facility_a
):
    from ctxh.workforce.models import FieldInstructor

    FieldInstructor.objects.create(person=person_a, trained_in_supervision=True)
    for user in (programme_user, viewer):
        page = client_for(user).get("/").content.decode()
        assert 'data-testid="home-panel-workforce"' in page
        assert 'data-testid="home-panel-own_staff"' not in page
        assert 'data-testid="workforce-people">2<' in page
        assert 'data-testid="workforce-instructors">1<' in page
        assert 'data-testid="home-coverage-facilities_with_staff"' in page
    page = client_for(manager_a).get("/").content.decode()
    assert 'data-testid="home-panel-workforce"' not in page
    assert 'data-testid="home-panel-own_staff"' in page
    assert facility_a.name in page and "1 người trong danh sách nhân lực" in page
    assert f"/workforce/?organization={facility_a.pk}" in page
    page = client_for(ward_officer_a).get("/").content.decode()
    assert "0 người trong danh sách nhân lực" in page and "Ghi nhận nhân sự" in page
