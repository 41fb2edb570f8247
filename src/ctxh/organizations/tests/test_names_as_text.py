"""Organisation names reach the map page as text: escaped in the HTML, raw data in the
JSON, and never handed to an HTML sink by our JavaScript (the browser journey in
test_map_browser.py checks the rendered tooltip and popup)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from ctxh.testing import client_for

HOSTILE = "<img src=x onerror=alert(1)>"
SCRIPTS = Path(settings.BASE_DIR) / "static" / "ctxh"


@pytest.mark.django_db
def test_a_hostile_name_is_escaped_on_the_map_page_and_raw_in_the_markers(
    facility_a, programme_user
):
    facility_a.name = HOSTILE
    facility_a.save()
    profile = facility_a.facility
    profile.latitude, profile.longitude = Decimal("10.78"), Decimal("106.7")
    profile.save()
    client = client_for(programme_user)
    body = client.get("/organizations/map/").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in body and HOSTILE not in body
    markers = client.get("/organizations/map/data.json").json()["facilities"]
    assert [m["name"] for m in markers] == [HOSTILE]  # data, for textContent to show


def test_our_scripts_put_no_string_into_an_html_sink():
    scripts = sorted(SCRIPTS.glob("*.js"))
    assert scripts, SCRIPTS
    sinks = re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write")
    # Leaflet parses a string given to these as HTML: they must receive a DOM node.
    leaflet = re.compile(r"\.(bindTooltip|bindPopup|setContent|setTooltipContent)\(\s*([^)]*)")
    for script in scripts:
        source = script.read_text()
        assert not sinks.search(source), script.name
        for match in leaflet.finditer(source):
            argument = match.group(2)
            assert re.match(r"(el|popupContent)\(", argument), (script.name, match.group(0))
