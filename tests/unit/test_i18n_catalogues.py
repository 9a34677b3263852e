"""The web client's string catalogues (client_web/i18n/<feature>.<lang>.json) are complete.

Every key exists in both languages with the same placeholders, no text is empty, every
key the source uses exists, and every error code and enum value the API can send has
text. The browser tests check the other half: no raw key ever reaches the screen.
"""

from __future__ import annotations

import json
import re
import typing
from functools import cache
from pathlib import Path

import pytest

from server.api import routing
from server.api.fairs import Venue
from server.domain.jobs import EDUCATION_NAMES, Education
from server.errors import STATUS

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "client_web"
I18N = CLIENT / "i18n"
LANGUAGES = ("zh-CN", "en")
FILE_NAME = re.compile(r"^(?P<feature>[a-z_]+)\.(?P<lang>[A-Za-z-]+)\.json$")
# A key: "<feature>.<words>", lower case and underscores. The browser tests treat any
# text of this shape on screen as a missing string, so keys must have it.
KEY = re.compile(r"^[a-z]+(\.[a-z_]+)+$")
PLACEHOLDER = re.compile(r"\{([a-zA-Z0-9_]+)\}")

# Keys in the source: t('key'), t("key", …), data-i18n="key", data-i18n-<attr>="key",
# 'data-i18n': 'key', and nav items' label: 'key'.
USES = (
    re.compile(r"\bt\(\s*['\"]([^'\"]+)['\"]"),
    re.compile(r"data-i18n(?:-[a-z-]+)?=\"([^\"]+)\""),
    re.compile(r"['\"]data-i18n(?:-[a-z-]+)?['\"]\s*:\s*['\"]([^'\"]+)['\"]"),
    re.compile(r"\blabel:\s*['\"]([^'\"]+)['\"]"),
)
# tCode('prefix.', value, 'fallback.key'): keys built at run time from API values.
T_CODE = re.compile(r"\btCode\(\s*['\"]([^'\"]+)['\"]\s*,[^,]+,\s*['\"]([^'\"]+)['\"]")
# Codes only the client produces (client_web/api.js, client_web/stream.js).
CLIENT_ERROR_CODES = (
    "network.unavailable",
    "network.timeout",
    "response.invalid",
    "stream.unavailable",
    "unknown",
)


@cache
def catalogues() -> dict[tuple[str, str], dict[str, object]]:
    found: dict[tuple[str, str], dict[str, object]] = {}
    for path in sorted(I18N.glob("*.json")):
        match = FILE_NAME.match(path.name)
        assert match, f"{path.name}: catalogue files are named <feature>.<lang>.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict), f"{path.name}: a catalogue is one flat JSON object"
        found[(match["feature"], match["lang"])] = data
    return found


def features() -> list[str]:
    return sorted({feature for feature, _ in catalogues()})


def all_keys(lang: str) -> set[str]:
    return {key for (_, language), data in catalogues().items() if language == lang for key in data}


# Comments document usage with example keys; they are not uses. A line comment starts
# with // at the start of a line or after a space (not in "https://").
COMMENTS = re.compile(r"/\*.*?\*/|<!--.*?-->|(?:^|(?<=\s))//[^\n]*", re.DOTALL | re.MULTILINE)


@cache
def sources() -> dict[Path, str]:
    paths = [*CLIENT.rglob("*.js"), *CLIENT.rglob("*.html")]
    return {path: COMMENTS.sub("", path.read_text(encoding="utf-8")) for path in sorted(paths)}


def used_keys() -> dict[str, Path]:
    used: dict[str, Path] = {}
    for path, source in sources().items():
        for pattern in USES:
            for key in pattern.findall(source):
                used.setdefault(key, path)
        for _, fallback in T_CODE.findall(source):
            used.setdefault(fallback, path)
    return used


def dynamic_prefixes() -> set[str]:
    return {prefix for source in sources().values() for prefix, _ in T_CODE.findall(source)}


def test_there_are_catalogues_only_for_the_two_languages() -> None:
    assert features(), "no catalogue found in client_web/i18n"
    assert {lang for _, lang in catalogues()} == set(LANGUAGES)
    for feature in features():
        for lang in LANGUAGES:
            assert (feature, lang) in catalogues(), f"{feature}.{lang}.json is missing"


@pytest.mark.parametrize("feature", features())
def test_every_key_in_one_language_is_in_the_other(feature: str) -> None:
    zh, en = (set(catalogues()[(feature, lang)]) for lang in LANGUAGES)
    assert sorted(zh - en) == [], f"{feature}: only in zh-CN"
    assert sorted(en - zh) == [], f"{feature}: only in en"


@pytest.mark.parametrize("feature", features())
def test_keys_belong_to_their_feature_and_texts_are_not_empty(feature: str) -> None:
    for lang in LANGUAGES:
        for key, value in catalogues()[(feature, lang)].items():
            assert key.startswith(f"{feature}."), f"{key} is in {feature}.{lang}.json"
            assert KEY.match(key), f"{key}: keys are lower case words joined by dots"
            assert isinstance(value, str), f"{key} ({lang}) is not a string"
            assert value.strip(), f"{key} ({lang}) is empty"


@pytest.mark.parametrize("feature", features())
def test_both_languages_use_the_same_placeholders(feature: str) -> None:
    zh, en = (catalogues()[(feature, lang)] for lang in LANGUAGES)
    for key in zh.keys() & en.keys():
        assert set(PLACEHOLDER.findall(str(zh[key]))) == set(PLACEHOLDER.findall(str(en[key]))), key


def test_every_key_used_in_the_source_exists_in_both_languages() -> None:
    used = used_keys()
    assert len(used) > 40, "the scan found too few keys: is a pattern in USES broken?"
    for lang in LANGUAGES:
        known = all_keys(lang)
        missing = {
            key: str(path.relative_to(ROOT)) for key, path in used.items() if key not in known
        }
        assert missing == {}, f"keys used in client_web but missing from the {lang} catalogues"


def test_every_catalogue_key_is_used() -> None:
    used = set(used_keys())
    prefixes = dynamic_prefixes()
    unused = sorted(
        key for key in all_keys("zh-CN") if key not in used and not key.startswith(tuple(prefixes))
    )
    assert unused == [], "catalogue keys nothing uses (remove them, or use them literally)"


def test_every_error_code_the_api_can_send_has_text() -> None:
    codes = [*STATUS, *CLIENT_ERROR_CODES]
    field_codes = {*routing._CODES.values(), "wrong_type", "invalid"}
    for lang in LANGUAGES:
        known = all_keys(lang)
        missing = [f"errors.code.{c}" for c in codes if f"errors.code.{c}" not in known]
        missing += [f"errors.field.{c}" for c in field_codes if f"errors.field.{c}" not in known]
        assert sorted(missing) == [], f"add these keys to client_web/i18n/errors.{lang}.json"


def test_every_venue_kind_has_text() -> None:
    kinds = typing.get_args(Venue.model_fields["kind"].annotation)
    assert kinds
    for lang in LANGUAGES:
        assert sorted(k for k in kinds if f"fairs.kind.{k}" not in all_keys(lang)) == [], lang


def test_each_education_level_has_one_label_the_same_as_the_servers() -> None:
    """A candidate's education reads the same on their profile, on job pages and in the
    recruiter's interview panel: one set of keys (jobs.education.*, job-text.js), worded
    as the server's EDUCATION_NAMES (which search indexes). "any" is a job's requirement
    only, which the catalogue words as one ("学历不限") and search as a bare facet."""
    levels = [level for level in Education if level is not Education.ANY]
    for index, lang in enumerate(LANGUAGES):
        keys = all_keys(lang)
        elsewhere = sorted(
            key
            for key in keys
            for level in Education
            if key.endswith(f".education.{level.value}") and not key.startswith("jobs.")
        )
        assert elsewhere == [], f"a second set of education labels ({lang}): {elsewhere}"
        labels = {
            key: value
            for (_, language), data in catalogues().items()
            if language == lang
            for key, value in data.items()
        }
        for level in levels:
            assert labels[f"jobs.education.{level.value}"] == EDUCATION_NAMES[level][index], (
                lang,
                level,
            )


@pytest.mark.parametrize("feature", features())
def test_the_chinese_texts_address_people_as_nin(feature: str) -> None:
    """The site speaks to its users politely (您) on every page, never 你 on some."""
    texts = catalogues()[(feature, "zh-CN")]
    familiar = sorted(key for key, text in texts.items() if "你" in str(text))
    assert familiar == [], f"use 您, not 你: {familiar}"


@pytest.mark.parametrize("feature", features())
def test_the_chinese_texts_call_a_job_seeker_one_name(feature: str) -> None:
    """A job seeker is 求职者 on every page: the recruiter's console and the interview
    panel said 候选人 for the same person."""
    texts = catalogues()[(feature, "zh-CN")]
    other = sorted(key for key, text in texts.items() if "候选人" in str(text))
    assert other == [], f"use 求职者, not 候选人: {other}"
