"""The shared page furniture speaks Vietnamese and fits a phone: filters read "Tất cả / Có /
Không", the pagination "« trước · sau »", tables sit in their own scrolling box with each
cell naming its column, and the menu highlights the section a page belongs to."""

import re

import pytest

from ctxh.organizations.tests.factories import OrganizationFactory
from ctxh.testing import client_for

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_yes_no_filters_read_all_yes_no(programme_user, facility_a, facility_b):
    html = client_for(programme_user).get("/organizations/facilities/").content.decode()
    assert _options(html, "social_work") == ["Tất cả", "Có", "Không"]
    assert _options(html, "ownership")[0] == "Tất cả"
    assert _options(html, "ward")[0] == "Tất cả"
    assert "Chưa xác định" not in html and "---------" not in html
    html = client_for(programme_user).get("/organizations/").content.decode()
    assert _options(html, "active") == ["Tất cả", "Có", "Không"]
    # the query string keeps true/false, and "All" filters nothing
    client = client_for(programme_user)
    everyone = client.get("/organizations/?active=").context["table"].paginator.count
    assert everyone == client.get("/organizations/?active=true").context["table"].paginator.count
    assert client.get("/organizations/?active=false").context["table"].paginator.count == 0


def test_people_list_filters_read_all(programme_user, facility_a):
    html = client_for(programme_user).get("/workforce/").content.decode()
    assert _options(html, "field_instructor") == ["Tất cả", "Có", "Không"]
    assert _options(html, "sector")[0] == "Tất cả"
    assert 'data-testid="filters-toggle"' in html  # the phone's "More filters" button


def test_filters_in_use_are_counted_on_the_phone_button(programme_user, facility_a):
    html = client_for(programme_user).get("/organizations/?active=true&kind=ngo&q=x").content
    button = re.search(r'data-testid="filters-toggle">(.*?)</button>', html.decode(), re.S)
    assert "Bộ lọc" in button.group(1)
    assert re.search(r'<span class="badge[^"]*">2</span>', button.group(1))


def test_pagination_and_tables_speak_vietnamese(programme_user):
    for n in range(60):  # three pages of 25
        OrganizationFactory(code=f"PAGE-{n:02d}", name=f"Tổ chức {n:02d}")
    html = client_for(programme_user).get("/organizations/?page=2").content.decode()
    assert 'aria-label="Các trang của danh sách"' in html
    assert re.search(r"&laquo;</span>\s*trước</a>", html)
    assert re.search(r"sau\s*<span aria-hidden=\"true\">&raquo;", html)
    assert "Table navigation" not in html
    assert not re.search(r">\s*(previous|next)\b", html)
    assert '<div class="table-responsive">' in html
    assert 'data-label="Tên"' in html  # each cell names its column (a card on a phone)


def test_menu_highlights_the_section_of_the_page(programme_user, facility_a):
    client = client_for(programme_user)

    def active(url: str) -> list[str]:
        html = client.get(url).content.decode()
        return re.findall(r'class="nav-link active"[^>]*>([^<]+)</a>', html)

    assert active("/organizations/facilities/") == ["Cơ sở"]
    assert active("/organizations/map/") == ["Cơ sở"]
    assert active(f"/organizations/{facility_a.pk}/headcount/") == ["Cơ sở"]
    assert active("/organizations/") == ["Tổ chức"]
    assert active(f"/organizations/{facility_a.pk}/") == ["Tổ chức"]
    assert active("/workforce/") == ["Nhân lực"]
    assert active("/") == ["Trang chủ"]
