import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from ctxh.workforce.cccd import (
    PROVINCE_CODES,
    compose_cccd,
    decode,
    mask_cccd,
    validate_cccd,
)

provinces = st.sampled_from(sorted(PROVINCE_CODES))
genders = st.sampled_from(["male", "female"])
years = st.integers(min_value=1900, max_value=2099)
serials = st.integers(min_value=0, max_value=999_999)


def _code(value, **kwargs):
    with pytest.raises(ValidationError) as info:
        validate_cccd(value, **kwargs)
    return info.value.code


@given(provinces, genders, years, serials)
def test_composed_ids_are_valid_and_decode_back(province, gender, year, serial):
    value = compose_cccd(province=province, gender=gender, birth_year=year, serial=serial)
    assert len(value) == 12 and value.isdigit()
    validate_cccd(value, gender=gender, birth_year=year)
    assert decode(value) == (province, gender, year)


@given(provinces, genders, years, serials)
def test_the_other_gender_is_rejected(province, gender, year, serial):
    value = compose_cccd(province=province, gender=gender, birth_year=year, serial=serial)
    other = "female" if gender == "male" else "male"
    assert _code(value, gender=other) == "cccd_gender"


@given(provinces, genders, years, serials, st.integers(min_value=1, max_value=150))
def test_another_birth_year_is_rejected(province, gender, year, serial, delta):
    value = compose_cccd(province=province, gender=gender, birth_year=year, serial=serial)
    assert _code(value, birth_year=year + delta) == "cccd_year"


@given(st.text(max_size=20).filter(lambda s: not (len(s) == 12 and s.isascii() and s.isdigit())))
def test_anything_but_twelve_digits_is_rejected(value):
    assert _code(value) == "cccd_format"


@given(st.integers(min_value=0, max_value=999).filter(lambda c: c not in PROVINCE_CODES))
def test_unknown_province_codes_are_rejected(code):
    assert _code(f"{code:03d}090123456") == "cccd_province"


def test_province_codes_cover_old_and_new():
    assert len(PROVINCE_CODES) == 63  # the 34 current codes are among the 63 old ones
    assert {1, 79, 96} <= PROVINCE_CODES
    assert not {0, 3, 97, 99} & PROVINCE_CODES


def test_hcmc_examples():
    validate_cccd("079090123456", gender="male", birth_year=1990)
    validate_cccd("079305000001", gender="female", birth_year=2005)
    assert _code("079090123456", gender="female") == "cccd_gender"
    assert _code("079090123456", birth_year=1991) == "cccd_year"
    assert _code("07909012345") == "cccd_format"
    assert _code("07909012345a") == "cccd_format"
    assert _code(None) == "cccd_format"


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_mask_hides_all_but_province_and_last_two(value):
    masked = mask_cccd(value)
    assert masked == value[:3] + "*******" + value[-2:]
    assert set(masked[3:10]) == {"*"}


def test_mask_examples():
    assert mask_cccd("079190001212") == "079*******12"
    assert mask_cccd("") == ""
    assert mask_cccd(None) == ""
    assert mask_cccd("123") == "***"
