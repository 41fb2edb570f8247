"""The public portal: every page answers without login, with a title, a description and
one h1; what is not public answers 404; the directory's search and filters."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_public_home_needs_no_login(client):
    response = client.get("/public/")
    assert response.status_code == 200


def pages(w):
    return {
        "index": reverse("portal:index"),
        "events": reverse("portal:events"),
        "events month": reverse("portal:events") + "?month=2026-03&kind=workshop",
        "event": reverse("portal:event", args=[w.event.pk]),
        "closed event": reverse("portal:event", args=[w.closed_event.pk]),
        "facilities": reverse("portal:facilities"),
        "facilities filtered": reverse("portal:facilities") + "?q=tam+binh&group=children",
        "facility": reverse("portal:facility", args=[w.tam_binh.pk]),
        "facility without coordinates": reverse("portal:facility", args=[w.nhi_xuan.pk]),
        "practices": reverse("portal:practices"),
        "practice": reverse("portal:practice", args=[w.practice.pk]),
        "research": reverse("portal:research"),
        "research detail": reverse("portal:research_detail", args=[w.research.pk]),
    }


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_answers_without_login_with_title_description_and_one_h1(
    client, world, language
):
    client.cookies["django_language"] = language
    for name, url in pages(world).items():
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content.decode()
        assert f'<html lang="{language}">' in body
        title = re.search(r"<title>(.+?)</title>", body, re.S).group(1).strip()
        assert len(title) > 10, name
        description = re.search(r'<meta name="description" content="([^"]+)"', body)
        assert description and len(description.group(1).strip()) > 20, name
        assert body.count("<h1") == 1, name
        assert 'href="/login/"' in body  # the "Đăng nhập" link
        assert 'href="/verify/"' in body  # the document verification
        assert "navbar" not in body  # not the signed-in app's navigation


def test_the_pages_are_vietnamese_by_default_and_english_on_request(client, world):
    assert "Lịch sự kiện" in client.get(reverse("portal:events")).content.decode()
    assert "Đăng nhập" in client.get(reverse("portal:index")).content.decode()
    client.cookies["django_language"] = "en"
    assert "Calendar of events" in client.get(reverse("portal:events")).content.decode()
    body = client.get(reverse("portal:facility", args=[world.tam_binh.pk])).content.decode()
    assert "Children in special circumstances" in body and "Counselling" in body


def test_what_is_not_public_answers_404(client, world):
    for url in (
        reverse("portal:event", args=[world.private_event.pk]),
        reverse("portal:practice", args=[world.hidden_practice.pk]),
        reverse("portal:research_detail", args=[world.hidden_research.pk]),
        reverse("portal:facility", args=[world.no_service.pk]),
        reverse("portal:facility", args=[world.closed.pk]),
        reverse("portal:facility", args=[world.school.pk]),
        reverse("portal:event", args=[999999]),
    ):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("portal:events")).content.decode()
    assert world.event.title in listing and world.private_event.title not in listing
    library = client.get(reverse("portal:practices")).content.decode()
    assert world.practice.title in library and world.hidden_practice.title not in library
    research = client.get(reverse("portal:research")).content.decode()
    assert world.research.title in research and world.hidden_research.title not in research


def _island(body: str) -> list[dict]:
    found = re.search(r'<script id="facility-markers" type="application/json">(.*?)</script>', body)
    return json.loads(found.group(1))


def test_the_directory_searches_without_accents_and_filters(client, world, wards):
    url = reverse("portal:facilities")
    body = client.get(url).content.decode()
    assert world.tam_binh.name in body and world.nhi_xuan.name in body
    assert world.no_service.name not in body and world.closed.name not in body
    markers = _island(body)  # the one with coordinates is on the map, the other only listed
    assert [m["id"] for m in markers] == [world.tam_binh.pk]
    assert markers[0]["url"] == reverse("portal:facility", args=[world.tam_binh.pk])
    body = client.get(url, {"q": "tam binh"}).content.decode()
    assert world.tam_binh.name in body and world.nhi_xuan.name not in body
    body = client.get(url, {"q": "NHỊ XUÂN"}).content.decode()
    assert world.nhi_xuan.name in body and world.tam_binh.name not in body
    body = client.get(url, {"ward": str(wards[1].code)}).content.decode()
    assert world.nhi_xuan.name in body and world.tam_binh.name not in body
    body = client.get(url, {"group": "elderly"}).content.decode()
    assert world.nhi_xuan.name in body and world.tam_binh.name not in body
    body = client.get(url, {"service": "counselling"}).content.decode()
    assert world.tam_binh.name in body and world.nhi_xuan.name not in body
    # Nonsense in the filters: the whole list, never a 500.
    assert client.get(url, {"ward": "abc", "page": "x", "group": "<b>"}).status_code == 200


def test_the_directory_pages_by_twenty(client, world):
    from ctxh.organizations.tests.factories import FacilityFactory

    for i in range(25):
        org = FacilityFactory(code=f"F-{i:02d}", name=f"Cơ sở Phụ {i:02d}")
        org.facility.provides_social_work_services = True
        org.facility.save()
    url = reverse("portal:facilities")
    first = client.get(url).content.decode()
    assert first.count('class="border-bottom py-2"') == 20 and 'rel="next"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('class="border-bottom py-2"') == 7


def test_the_facility_page_shows_public_facts_and_its_marker(client, world, wards):
    body = client.get(reverse("portal:facility", args=[world.tam_binh.pk])).content.decode()
    for fact in ("1 Đường Tam Bình", wards[0].name, "02837261234", "tambinh@example.gov.vn"):
        assert fact in body
    assert "Trẻ em có hoàn cảnh đặc biệt" in body and "Tham vấn, tư vấn tâm lý" in body
    assert [m["id"] for m in _island(body)] == [world.tam_binh.pk]
    assert "leaflet.js" in body and "<script>" not in body  # no inline script (CSP 'self')


def test_the_calendar_by_month_and_kind(client, world):
    month = world.event.starts_at.strftime("%Y-%m")
    body = client.get(reverse("portal:events"), {"month": month}).content.decode()
    assert world.event.title in body
    body = client.get(reverse("portal:events"), {"kind": "conference"}).content.decode()
    assert world.closed_event.title in body and world.event.title not in body
    body = client.get(reverse("portal:events"), {"month": "2026-13"}).content.decode()
    assert "YYYY-MM" in body  # a clear message, not a 500


def test_the_sign_in_page_and_the_app_footer_link_the_portal(client, world):
    from ctxh.testing import make_user

    assert 'href="/public/"' in client.get(reverse("login")).content.decode()
    client.force_login(make_user("programme_office", world.school))
    assert 'href="/public/"' in client.get(reverse("home")).content.decode()
