"""Search tokens: what a document is indexed by and what a query must match; highlights."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.search import (
    highlight,
    mark,
    query_tokens,
    snippet,
    tokens,
    tsquery_literal,
    tsvector_literal,
)


def texts(text: str) -> list[str]:
    return [t.text for t in tokens(text)]


def test_a_chinese_run_gives_every_character_and_every_overlapping_pair() -> None:
    assert texts("招聘会计") == ["招", "招聘", "聘", "聘会", "会", "会计", "计"]


def test_latin_words_and_numbers_are_whole_lowercase_tokens() -> None:
    assert texts("Java工程师, 5000元/月") == [
        "java", "工", "工程", "程", "程师", "师", "5000", "元", "月",
    ]  # fmt: skip


def test_full_width_letters_and_digits_are_the_same_as_half_width() -> None:
    assert texts("ＪＡＶＡ　１２３") == texts("java 123") == ["java", "123"]


def test_punctuation_separates_chinese_runs() -> None:
    assert "计出" not in texts("会计，出纳")
    assert query_tokens("会计，出纳") == ["会计", "出纳"]


def test_a_query_keeps_bigrams_of_a_run_and_a_lone_character() -> None:
    assert query_tokens("会计") == ["会计"]
    assert query_tokens("会计岗位") == ["会计", "计岗", "岗位"]
    assert query_tokens("会") == ["会"]
    assert query_tokens("民营 Java Java") == ["民营", "java"]
    assert query_tokens("，。!? ") == []


def test_programming_names_keep_their_symbols() -> None:
    """C++, C# and F# are not C and F; a query for them stays whole."""
    assert texts("C++开发工程师")[0] == "c++"
    assert query_tokens("C++") == ["c++"]
    assert query_tokens("ｃ＃") == query_tokens("C#") == ["c#"]
    assert query_tokens("F# G++") == ["f#", "g++"]
    assert query_tokens("C/C++") == ["c", "c++"]
    assert query_tokens("C++11") == ["c++", "11"]  # a version is its own word
    # Marks that do not end a name still separate words.
    assert texts("a+b 1+1 8000+ #招聘 item#3") == [
        "a", "b", "1", "1", "8000", "招", "招聘", "聘", "item", "3",
    ]  # fmt: skip
    assert query_tokens("C+++") == ["c"]  # three marks are punctuation, not a name
    assert query_tokens("++") == []
    # A word matches whole: "c" is the C of 安全员C证, never a part of a longer word.
    assert "c" in texts("持安全员C证")
    assert "c" not in texts("C++ C# Safety Inspector, CSS, officer")


def test_a_dotted_name_is_one_query_token_and_its_parts_are_in_the_document() -> None:
    assert query_tokens(".NET") == [".net"]
    assert query_tokens("Node.js") == ["node.js"]
    assert texts("ASP.NET") == ["asp.net", "asp", "net", ".net"]
    assert texts("熟悉.NET") == ["熟", "熟悉", "悉", ".net", "net"]
    assert texts("Node.js") == ["node.js", "node", "js", ".js"]
    # A dot before a digit or a CJK character, or a doubled dot, joins nothing.
    assert texts("3.5万") == ["3", "5", "万"]
    assert query_tokens("Java.熟悉") == ["java", "熟悉"]
    assert query_tokens("x..y") == ["x", "y"]


def test_programming_names_highlight_whole() -> None:
    assert highlight("C++开发工程师", query_tokens("C++")) == [(0, 3)]
    assert highlight("C++开发工程师", query_tokens("c")) == []
    assert highlight("熟悉ASP.NET与.NET", query_tokens(".net")) == [(5, 9), (10, 14)]
    assert highlight("熟悉ASP.NET", query_tokens("net")) == [(6, 9)]
    assert highlight("（Ｃ＃）工程师", query_tokens("c#")) == [(1, 3)]


@given(st.text(alphabet="招聘会计岗位民营企业工程师abc 123，+#.", max_size=30))
def test_every_query_token_of_a_text_is_among_its_document_tokens(text: str) -> None:
    """So a text always finds itself."""
    assert set(query_tokens(text)) <= set(texts(text))


def test_tokens_point_back_at_the_original_text() -> None:
    text = "（急聘）ＪＡＶＡ开发"
    assert [(t.text, text[t.start : t.end]) for t in tokens(text)] == [
        ("急", "急"), ("急聘", "急聘"), ("聘", "聘"), ("java", "ＪＡＶＡ"),
        ("开", "开"), ("开发", "开发"), ("发", "发"),
    ]  # fmt: skip


def test_a_tsvector_literal_quotes_lexemes_and_weights_positions() -> None:
    assert tsvector_literal([("会计", "A"), ("it's", "D")]) == (
        "'会':1A '会计':2A '计':3A 'it':14D 's':15D"
    )
    assert tsvector_literal([("a\\b", "B")]) == "'a':1B 'b':2B"
    with pytest.raises(ValueError, match="weight"):
        tsvector_literal([("x", "E")])


def test_a_tsquery_literal_ands_quoted_terms() -> None:
    assert tsquery_literal(["会计", "o'neil"]) == "'会计' & 'o''neil'"
    with pytest.raises(ValueError, match="empty"):
        tsquery_literal([])


def test_highlights_are_code_point_ranges_in_the_original_text() -> None:
    text = "我们招聘会计岗位，会计师优先"
    ranges = highlight(text, query_tokens("会计"))
    assert ranges == [(4, 6), (9, 11)]
    assert mark(text, ranges) == "我们招聘<mark>会计</mark>岗位，<mark>会计</mark>师优先"


def test_overlapping_matches_merge_into_one_range() -> None:
    assert highlight("招聘会计岗位", query_tokens("会计岗位")) == [(2, 6)]


def test_full_width_text_highlights_where_it_is_written() -> None:
    assert highlight("熟悉ＪＡＶＡ开发", ["java"]) == [(2, 6)]


def test_a_snippet_is_a_window_around_the_first_match_with_shifted_ranges() -> None:
    text = "前" * 100 + "会计" + "后" * 100
    found = snippet(text, ["会计"], width=40)
    assert found is not None
    assert found.text.startswith("…")
    assert found.text.endswith("…")
    [(start, end)] = found.ranges
    assert found.text[start:end] == "会计"
    assert snippet("无关内容", ["会计"]) is None
    short = snippet("负责会计核算", ["会计"])
    assert short is not None
    assert short.text == "负责会计核算"
    assert short.ranges == [(2, 4)]
