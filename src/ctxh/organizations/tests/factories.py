import factory

from ctxh.organizations.models import FacilityProfile, Kind, Organization, Ownership


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ORG-{n:04d}")
    name = factory.Sequence(lambda n: f"Tổ chức số {n}")
    kind = Kind.DEPARTMENT
    ownership = Ownership.PUBLIC


class FacilityFactory(OrganizationFactory):
    kind = Kind.PUBLIC_FACILITY

    class Meta:
        skip_postgeneration_save = True

    facility = factory.RelatedFactory(
        "ctxh.organizations.tests.factories.FacilityProfileFactory",
        factory_related_name="organization",
    )


class FacilityProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilityProfile

    capacity = 120
