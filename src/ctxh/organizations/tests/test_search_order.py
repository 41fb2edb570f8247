"""The organisation list and the facilities page: best matches first, then Vietnamese
alphabetical order (issue 9)."""

import pytest

from ctxh.organizations.models import Organization
from ctxh.organizations.selectors import organization_list
from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
from ctxh.testing import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def tam_binh(db):
    return [
        FacilityFactory(code="MT", name="Mai Tâm", address="12 Bình Lợi"),  # word starts
        FacilityFactory(code="TT", name="Trung tâm Bảo trợ xã hội Tam Bình"),  # the phrase
        FacilityFactory(code="NB", name="Nhà Bình An Tâm"),  # word starts
        FacilityFactory(code="TAMBINH-2", name="Cơ sở Hoa Sen"),  # inside a code
        FacilityFactory(code="XX", name="Mái ấm Tâm An"),  # no "binh": not found
    ]


def names(queryset):
    return [org.name for org in queryset]


def test_search_ranks_the_phrase_then_word_starts_then_substrings(programme_user, tam_binh):
    expected = [
        "Trung tâm Bảo trợ xã hội Tam Bình",
        "Mai Tâm",
        "Nhà Bình An Tâm",
        "Cơ sở Hoa Sen",
    ]
    assert names(organization_list(user=programme_user, query="tam binh")) == expected
    assert names(organization_list(user=programme_user, query="TÂM  Bình")) == expected
    for url in ("/organizations/", "/organizations/facilities/"):
        body = client_for(programme_user).get(url, {"q": "tam binh"}).content.decode()
        positions = [body.find(f">{name}<") for name in expected]
        assert all(p > 0 for p in positions) and positions == sorted(positions), url
        assert "Mái ấm Tâm An" not in body


def test_lists_are_in_vietnamese_alphabetical_order(programme_user, agency):
    for name in ["Đa Phước", "Ba Đình", "Ánh Dương", "An Bình", "Dương Quang", "Ấp Mới"]:
        OrganizationFactory(name=name)
    expected = ["An Bình", "Ánh Dương", "Ấp Mới", "Ba Đình", "Dương Quang", "Đa Phước", "Sở Y tế"]
    assert names(organization_list(user=programme_user)) == expected
    assert names(Organization.objects.all()) == expected
    body = client_for(programme_user).get("/organizations/").content.decode()
    positions = [body.find(f">{name}<") for name in expected]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
    body = client_for(programme_user).get("/organizations/", {"sort": "-name"}).content.decode()
    positions = [body.find(f">{name}<") for name in reversed(expected)]
    assert positions == sorted(positions)
