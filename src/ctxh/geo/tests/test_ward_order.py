"""Wards: single-spaced names, in Vietnamese alphabetical order on every database."""

import random

import pytest
from django.conf import settings
from django.db import connection
from django.db.models.functions import Collate

from ctxh.core.collation import sort_key
from ctxh.core.scoping import SYSTEM
from ctxh.geo.models import Province, Ward
from ctxh.geo.services import load_units

pytestmark = pytest.mark.django_db

TRICKY = [
    "An",
    "An Bình",
    "Anh",
    "Ánh Dương",
    "Ăn",
    "Ân",
    "Ẩn",
    "Ba",
    "Ba Ba",
    "Bà",
    "Bả",
    "Bã",
    "Bá",
    "Bạ",
    "Bác",
    "Bạc",
    "Bàn",
    "Dung",
    "Đào",
    "Đa Phước",
    "Em",
    "Êm",
    "O",
    "Ô",
    "Ơ",
    "Phường 2",
    "Phường 10",
    "Ư",
    "Xã 1",
    "xã a",
    "Zê",
]


def test_loaded_wards_have_single_spaces_and_vietnamese_order():
    load_units(by=SYSTEM, province_code=settings.CTXH_PROVINCE)
    names = list(Ward.objects.values_list("name", flat=True))
    assert len(names) == 168
    assert "Phường Rạch Dừa" in names and "Phường An Nhơn" in names
    assert not any("  " in name for name in names)
    assert names == sorted(names, key=sort_key)
    # Loading again changes nothing.
    assert load_units(by=SYSTEM, province_code=settings.CTXH_PROVINCE)["updated"] == 0


def test_the_database_sorts_like_python_whatever_its_collation():
    province = Province.objects.create(code=99, name="Thử", division_type="tỉnh", codename="t")
    shuffled = TRICKY[:]
    random.Random(9).shuffle(shuffled)
    for code, name in enumerate(shuffled, start=1):
        Ward.objects.create(code=code, name=f" {name}  ", kind="phuong", province=province)
    expected = sorted(TRICKY, key=sort_key)
    assert expected[:7] == ["An", "An Bình", "Anh", "Ánh Dương", "Ăn", "Ân", "Ẩn"]
    assert expected.index("Dung") < expected.index("Đa Phước") < expected.index("Đào")
    assert list(Ward.objects.values_list("name", flat=True)) == expected
    if connection.vendor == "postgresql":
        # A production server may use any collation: the key orders the same under each.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT collname FROM pg_collation WHERE collname IN "
                "('C', 'POSIX', 'und-x-icu', 'en-US-x-icu', 'vi-VN-x-icu', 'en_US.utf8')"
            )
            collations = [row[0] for row in cursor.fetchall()]
        assert collations
        for collation in collations:
            ordered = Ward.objects.order_by(Collate("sort_key", collation), "code")
            assert list(ordered.values_list("name", flat=True)) == expected, collation
