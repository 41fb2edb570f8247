import datetime as dt

import factory

from ctxh.workforce.cccd import compose_cccd
from ctxh.workforce.models import Employment, Gender, Person, StaffType


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    gender = Gender.MALE
    date_of_birth = dt.date(1990, 5, 17)
    cccd = factory.Sequence(
        lambda n: compose_cccd(province=79, gender=Gender.MALE, birth_year=1990, serial=n)
    )
    staff_type = StaffType.STAFF
    education_level = "bachelor"
    major = "social_work"


def employ(person: Person, organization, start=dt.date(2020, 1, 1), position="") -> Employment:
    """Give a test person an open employment and its denormalised current organisation."""
    employment = Employment.objects.create(
        person=person, organization=organization, start_date=start, position=position
    )
    Person.objects.filter(pk=person.pk).update(current_organization=organization)
    person.current_organization = organization
    return employment


def give_access_purpose(client, person, purpose: str = "reporting", detail: str = ""):
    """Answer the "purpose of access" a user of another organisation is asked before a
    person's data shows (once per person and session)."""
    response = client.post(
        f"/workforce/{person.pk}/access-purpose/", {"purpose": purpose, "detail": detail}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response
