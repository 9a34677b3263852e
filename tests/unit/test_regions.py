"""Tests for the provincial-level region list (GB/T 2260 plus the Corps)."""

from __future__ import annotations

import re

import pytest

from server.domain.regions import (
    REGION_ORDER,
    REGIONS,
    XPCC_CODE,
    Region,
    is_region_code,
    region_by_code,
)


def test_there_are_31_provinces_and_the_corps() -> None:
    assert len(REGIONS) == 32
    assert REGIONS[-1].code == XPCC_CODE == "660000"
    assert REGIONS[-1].zh == "新疆生产建设兵团"
    assert REGIONS[-1].short_zh == "新疆兵团"


def test_codes_are_unique_six_digit_province_codes() -> None:
    codes = [region.code for region in REGIONS]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert re.fullmatch(r"[1-6]\d0000", code), code


def test_official_order_is_ascending_code_with_corps_last() -> None:
    provinces = [region.code for region in REGIONS[:-1]]
    assert provinces == sorted(provinces)
    assert provinces[0] == "110000"
    assert provinces[-1] == "650000"
    assert all(code < XPCC_CODE for code in provinces)


def test_hong_kong_macau_and_taiwan_are_not_sub_venues() -> None:
    for code in ("710000", "810000", "820000"):
        assert not is_region_code(code)


def test_names_are_present() -> None:
    for region in REGIONS:
        assert region.zh
        assert region.en
        assert region.short_zh
        assert region.zh.startswith(region.short_zh[:2])
    by_code = {region.code: region for region in REGIONS}
    assert by_code["150000"] == Region("150000", "内蒙古自治区", "Inner Mongolia", "内蒙古")
    assert by_code["110000"].zh == "北京市"


def test_region_order_matches_tuple_positions() -> None:
    assert len(REGION_ORDER) == len(REGIONS)
    for index, region in enumerate(REGIONS):
        assert REGION_ORDER[region.code] == index
    shuffled = ["660000", "420000", "110000", "650000"]
    assert sorted(shuffled, key=REGION_ORDER.__getitem__) == [
        "110000",
        "420000",
        "650000",
        "660000",
    ]


def test_lookup_by_code() -> None:
    hubei = region_by_code("420000")
    assert hubei.short_zh == "湖北"
    assert hubei.zh == "湖北省"
    assert hubei.en == "Hubei"
    assert is_region_code("420000")


@pytest.mark.parametrize("code", ["999999", "420100", "", "42", "710000"])
def test_unknown_code_raises_key_error(code: str) -> None:
    assert not is_region_code(code)
    with pytest.raises(KeyError, match="unknown region code"):
        region_by_code(code)


def test_region_is_immutable() -> None:
    region = REGIONS[0]
    with pytest.raises(AttributeError):
        region.code = "000000"  # type: ignore[misc]
