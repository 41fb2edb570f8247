"""The demo's organisations read like real ones: a facility named after a ward lies in that
ward, and no name repeats a word ("Mái ấm Tình thương Tình Thương")."""

import re

import pytest
from django.conf import settings

from ctxh.core.scoping import SYSTEM
from ctxh.demo import organizations as data
from ctxh.geo.models import Ward
from ctxh.geo.services import load_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_wards():
    load_units(by=SYSTEM, province_code=settings.CTXH_PROVINCE)
    return list(Ward.objects.filter(province_id=settings.CTXH_PROVINCE).order_by("code"))


def _place(ward_name: str) -> str:
    return re.sub(r"^(Phường|Xã|Đặc khu)\s+", "", " ".join(ward_name.split()))


def test_facilities_named_after_a_ward_lie_in_that_ward(city_wards):
    rows = {row["code"]: row for row in data.facilities(city_wards)}
    assert rows["CS-001"]["name"] == "Trung tâm Bảo trợ Trẻ em Tam Bình"
    assert rows["CS-001"]["ward"].name == "Phường Tam Bình"
    assert rows["CS-002"]["ward"].name == "Phường Gò Vấp"
    assert rows["CS-019"]["ward"].name == "Phường Phú Nhuận"
    places = {_place(w.name) for w in city_wards}
    named = 0
    for row in rows.values():
        mentioned = [p for p in places if row["name"].endswith(" " + p)]
        if mentioned:
            named += 1
            assert _place(row["ward"].name) == max(mentioned, key=len), row["name"]
            assert row["address"].endswith(row["ward"].name)
    assert named >= 9
    # the two demo ward officers still sit in two different wards
    assert rows["CS-001"]["ward"] != rows["CS-030"]["ward"]


def _repeats(name: str) -> bool:
    words = name.casefold().replace(",", " ").split()
    bigrams = list(zip(words, words[1:]))
    adjacent = any(a == b for a, b in bigrams)
    return adjacent or len(set(bigrams)) != len(bigrams)


def test_no_demo_name_repeats_a_word(city_wards):
    assert _repeats("Mái ấm Tình thương Tình Thương")
    assert _repeats("Cơ sở Chăm sóc người cao tuổi Tuổi Hồng")
    assert not _repeats("Trường Đại học Khoa học Xã hội và Nhân văn")
    names = [row["name"] for row in data.facilities(city_wards)]
    for rows in (data.SCHOOLS, data.DEPARTMENTS, data.ASSOCIATIONS, data.NGOS):
        names += [name for _code, name in rows]
    assert len(names) == len(set(names))
    assert [name for name in names if _repeats(name)] == []
