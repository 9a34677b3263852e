"""Tests for the demo campaign (人社部函〔2020〕53号) shipped as package data."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from server.domain.regions import REGIONS, is_region_code

# A local number starting with 0 is never assigned, so these can never ring anyone.
IMPOSSIBLE_PHONE = re.compile(r"\+86 (?:10|2\d|[3-9]\d\d) 0000 00\d\d")


@pytest.fixture(scope="module")
def campaign() -> dict[str, Any]:
    text = (files("server.demo") / "campaign.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _leaders(campaign: dict[str, Any]) -> Iterator[dict[str, str]]:
    yield campaign["main_venue"]["leader"]
    for venue in campaign["sub_venues"]:
        yield venue["leader"]


def _urls(campaign: dict[str, Any]) -> Iterator[str]:
    yield campaign["main_venue"]["url"]
    for platform in campaign["partner_platforms"]:
        yield platform["url"]
    for venue in campaign["sub_venues"]:
        yield venue["url"]


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def test_one_sub_venue_per_region_in_official_order(campaign: dict[str, Any]) -> None:
    codes = [venue["region_code"] for venue in campaign["sub_venues"]]
    assert codes == [region.code for region in REGIONS]
    assert all(is_region_code(code) for code in codes)
    for venue, region in zip(campaign["sub_venues"], REGIONS, strict=True):
        assert venue["name_zh"] == f"{region.zh}分会场"
        assert venue["name_en"] == f"{region.en} sub-venue"


def test_every_leader_is_marked_fictitious(campaign: dict[str, Any]) -> None:
    for leader in _leaders(campaign):
        assert "示例" in leader["name"], leader
        assert leader["title_zh"]


def test_every_phone_is_an_impossible_number(campaign: dict[str, Any]) -> None:
    phones = [leader["phone"] for leader in _leaders(campaign)]
    for phone in phones:
        assert IMPOSSIBLE_PHONE.fullmatch(phone), phone
    assert len(set(phones)) == len(phones)


def test_every_url_is_on_example_org(campaign: dict[str, Any]) -> None:
    urls = list(_urls(campaign))
    assert len(urls) == 1 + len(campaign["partner_platforms"]) + len(REGIONS)
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https", url
        host = parts.hostname or ""
        assert host == "example.org" or host.endswith(".example.org"), url


def test_partner_platforms_are_those_named_in_the_notice(campaign: dict[str, Any]) -> None:
    names = [platform["name_zh"] for platform in campaign["partner_platforms"]]
    assert any("24365校园招聘服务" in name for name in names)
    assert any("工会就业服务" in name for name in names)
    assert any("全联人才在线" in name for name in names)
    for platform in campaign["partner_platforms"]:
        assert platform["name_en"]


def test_document_metadata(campaign: dict[str, Any]) -> None:
    document = campaign["document"]
    assert document["number"] == "人社部函〔2020〕53号"
    assert _date(document["issued_on"]) == dt.date(2020, 6, 11)
    assert len(document["issuers_zh"]) == len(document["issuers_en"]) == 4
    organisers = campaign["fair"]["organisers"]
    assert [organiser["zh"] for organiser in organisers] == document["issuers_zh"]
    assert [organiser["en"] for organiser in organisers] == document["issuers_en"]


def test_dates_parse_and_the_fair_runs_through_july(campaign: dict[str, Any]) -> None:
    fair = campaign["fair"]
    starts_on = _date(fair["starts_on"])
    ends_on = _date(fair["ends_on"])
    assert (starts_on, ends_on) == (dt.date(2020, 7, 1), dt.date(2020, 7, 31))
    first_due = _date(fair["first_submission_due"])
    summary_due = _date(fair["summary_due"])
    issued_on = _date(campaign["document"]["issued_on"])
    assert issued_on < first_due < starts_on <= ends_on < summary_due
    assert (first_due, summary_due) == (dt.date(2020, 6, 19), dt.date(2020, 8, 10))
    assert ZoneInfo(fair["time_zone"]).key == "Asia/Shanghai"


def test_fair_opens_on_a_wednesday_the_weekly_deadline(campaign: dict[str, Any]) -> None:
    assert dt.date(2020, 7, 1).weekday() == 2  # Monday is 0
    assert _date(campaign["fair"]["starts_on"]).strftime("%A").lower() == "wednesday"
    assert campaign["fair"]["weekly_deadline"]["weekday"] == "wednesday"
