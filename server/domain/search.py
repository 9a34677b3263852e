"""Keyword search tokens for Chinese and Latin text, and highlighting (pure).

Why not pg_trgm or a text-search dictionary: a trigram index cannot serve a
2-character pattern (``similarity('招聘会计岗位', '会计') = 0``), and PostgreSQL's default
parser classifies non-ASCII characters through the server's ``LC_CTYPE``, so the same
text splits differently on different clusters. Here Python decides every token:

* text is NFKC-normalised (full-width ``ＡＢＣ１２３`` → ``abc123``) and lower-cased;
* a run of letters/digits outside the CJK blocks is one token (``java``, ``5000``), and
  matches only whole: ``c`` does not find ``css`` or ``inspector``, ``java`` not
  ``javascript``;
* programming names keep their symbols, so that ``C++`` is not ``c``: a word that
  begins with a letter keeps a following ``+``, ``++`` or ``#`` unless a letter (after
  ``#``, a letter or digit) comes next (``c++``, ``c++11`` → ``c++ 11``, ``c#``, ``f#``;
  ``a+b`` is ``a`` and ``b``, ``item#3`` is ``item`` and ``3``), and words joined by a
  single dot before a letter, or led by one, are one name (``node.js``, ``asp.net``,
  ``.net``; ``3.5`` stays ``3`` and ``5``). A document also holds a dotted name's words
  and its endings at a dot (``asp.net`` → ``asp``, ``net``, ``.net``), so ``net`` and
  ``.net`` find ASP.NET; a query keeps the name whole;
* a run of CJK characters gives every character (unigram) **and** every overlapping pair
  (bigram): ``招聘会计`` → ``招 聘 会 计 招聘 聘会 会计``.

A document's tokens go into a ``tsvector`` literal with positions and a weight per field
(:func:`tsvector_literal`); a query becomes a ``tsquery`` literal that ANDs its tokens
(:func:`tsquery_literal`). Both are quoted lexemes, which PostgreSQL stores verbatim —
no parser, no dictionary, no locale — so 15 and 18 answer identically.

A query keeps only the bigrams of a CJK run of two or more characters (each bigram
implies its unigrams, and ``会计`` must not match ``会`` … ``计`` far apart); a single CJK
character queries its unigram, so one-character searches still work.

Highlights are computed here too, from the same tokens, as ``[start, end)`` ranges in
code points of the *original* text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

MAX_WORD: Final = 64  # longer Latin "words" (hashes, URLs) are cut: a lexeme has a size limit
MAX_POSITION: Final = 16383  # PostgreSQL's largest tsvector position
MAX_QUERY_TOKENS: Final = 32
SNIPPET_WIDTH: Final = 80
ELLIPSIS: Final = "…"

# Blocks whose characters are written without spaces between words.
_CJK_RANGES: Final = (
    (0x3007, 0x3007),  # 〇
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0x20000, 0x3134F),  # CJK Extensions B–G
)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


@dataclass(frozen=True, slots=True)
class Token:
    """One token and where it came from: ``[start, end)`` in the original text."""

    text: str
    start: int
    end: int


def _normalised(text: str) -> Iterator[tuple[str, int]]:
    """Each normalised character with the index of the original character it came from.

    NFKC is applied per character so every output character maps back to one input
    character (``㈱`` → ``(株)`` all point at ``㈱``).
    """
    for index, char in enumerate(text):
        for out in unicodedata.normalize("NFKC", char).lower():
            yield out, index


def _latin(char: str) -> bool:
    """A letter or digit of a space-separated script (Latin, Greek, Cyrillic …)."""
    return char.isalnum() and not is_cjk(char)


def _letter(char: str) -> bool:
    return char.isalpha() and not is_cjk(char)


# The marks that stay on a word's end: ``c++``, ``g++``, ``c#``, ``f#`` name something
# else than ``c``, ``g``, ``f``. Each with the longest run kept, and what may follow it:
# a digit after ``++`` is a version (``c++11``), after ``#`` a number (``item#3``).
_SUFFIX_MARKS: Final = {"+": (2, _letter), "#": (1, _latin)}


def _name_end(chars: Sequence[tuple[str, int]], start: int) -> tuple[int, list[int]]:
    """Where the Latin name beginning at ``start`` ends, and where each of its dots is.

    A name is a word, optionally led by a dot (``.net``), with more words joined by
    single dots followed by a letter (``node.js``, ``asp.net``; ``3.5`` stays two
    words), and at most one suffix mark run (``c++``, ``c#``) when its last word
    begins with a letter and no letter (for ``#``, no letter or digit) follows the marks
    (``a+b`` and ``item#3`` are two words; ``c++11`` is ``c++`` and ``11``).
    """
    count = len(chars)
    dots: list[int] = []
    index = start
    if chars[index][0] == ".":
        dots.append(index)
        index += 1
    while True:
        word_start = index
        while index < count and _latin(chars[index][0]):
            index += 1
        if index + 1 < count and chars[index][0] == "." and _letter(chars[index + 1][0]):
            dots.append(index)
            index += 1
            continue
        break
    if index < count and chars[index][0] in _SUFFIX_MARKS and _letter(chars[word_start][0]):
        mark, after = chars[index][0], index
        while after < count and chars[after][0] == mark:
            after += 1
        longest, joins = _SUFFIX_MARKS[mark]
        if after - index <= longest and not (after < count and joins(chars[after][0])):
            index = after
    return index, dots


def _scan(text: str, *, document: bool) -> list[Token]:
    chars = list(_normalised(text))
    found: list[Token] = []

    def token(first: int, stop: int) -> Token:
        """The token of ``chars[first:stop]`` (cut at :data:`MAX_WORD`)."""
        word = "".join(c for c, _ in chars[first:stop][:MAX_WORD])
        return Token(word, chars[first][1], chars[stop - 1][1] + 1)

    index = 0
    while index < len(chars):
        char = chars[index][0]
        if is_cjk(char):
            run = index
            while run < len(chars) and is_cjk(chars[run][0]):
                run += 1
            for position in range(index, run):
                found.append(token(position, position + 1))
                if position + 1 < run:
                    found.append(token(position, position + 2))
            index = run
        elif _latin(char) or (
            char == "."
            and index + 1 < len(chars)
            and _letter(chars[index + 1][0])
            and (index == 0 or chars[index - 1][0] != ".")
        ):
            end, dots = _name_end(chars, index)
            found.append(token(index, end))
            if document and dots:
                # A dotted name is also found by each of its words and by each ending
                # that starts at a dot: asp.net → asp, net, .net; .net → net.
                inner = [dot for dot in dots if dot != index]
                starts = [dot + 1 for dot in dots]
                if dots[0] != index:
                    starts.insert(0, index)
                found.extend(map(token, starts, [*inner, end]))
                found.extend(token(dot, end) for dot in inner)
            index = end
        else:
            index += 1
    return found


def tokens(text: str) -> list[Token]:
    """Every token of ``text`` (document side: CJK unigrams and bigrams, Latin names
    whole and, for a dotted name, each word and each ending at a dot)."""
    return _scan(text, document=True)


def query_tokens(query: str) -> list[str]:
    """The tokens a document must all contain to match ``query``, in order, deduplicated.

    Latin names whole (``c++``, ``node.js``); a CJK run of two or more characters by its
    bigrams; a lone CJK character by itself. Empty when the query has nothing searchable
    (punctuation only).
    """
    found = _scan(query, document=False)
    paired = {
        origin
        for token in found
        if len(token.text) == 2 and is_cjk(token.text[0])
        for origin in (token.start, token.end - 1)
    }
    chosen = [
        token.text
        for token in found
        if not (len(token.text) == 1 and is_cjk(token.text) and token.start in paired)
    ]
    return list(dict.fromkeys(chosen))[:MAX_QUERY_TOKENS]


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(fields: Sequence[tuple[str, str]]) -> str:
    """A ``tsvector`` input literal for a document made of ``(text, weight)`` fields.

    ``weight`` is ``A``–``D`` (``ts_rank`` counts A highest). Positions run on across
    fields so that tokens of different fields are never adjacent.
    """
    positions: dict[str, list[str]] = {}
    position = 1
    for text, weight in fields:
        if weight not in ("A", "B", "C", "D"):
            raise ValueError(f"not a tsvector weight: {weight!r}")
        for token in tokens(text):
            slots = positions.setdefault(token.text, [])
            if len(slots) < 256:  # PostgreSQL keeps at most 256 positions per lexeme
                slots.append(f"{min(position, MAX_POSITION)}{weight}")
            position += 1
        position += 10  # a gap between fields
    return " ".join(f"{_quote(lexeme)}:{','.join(slots)}" for lexeme, slots in positions.items())


def tsquery_literal(terms: Iterable[str]) -> str:
    """A ``tsquery`` input literal that ANDs ``terms`` (from :func:`query_tokens`)."""
    quoted = [_quote(term) for term in terms]
    if not quoted:
        raise ValueError("an empty query matches nothing")
    return " & ".join(quoted)


# -- highlighting -------------------------------------------------------------------------


def highlight(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """``[start, end)`` ranges of ``text`` (code points) where a query term occurs,
    sorted and merged where they touch or overlap."""
    wanted = set(terms)
    if not wanted:
        return []
    spans = sorted((t.start, t.end) for t in tokens(text) if t.text in wanted)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    ranges: list[tuple[int, int]]


def snippet(text: str, terms: Iterable[str], width: int = SNIPPET_WIDTH) -> Snippet | None:
    """A window of ``text`` around its first match, with the matches inside it; ``None``
    when nothing matches. Cut ends are marked with ``…`` (ranges account for it)."""
    ranges = highlight(text, terms)
    if not ranges:
        return None
    first = ranges[0][0]
    start = max(0, min(first - width // 4, len(text) - width))
    end = min(len(text), start + width)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    inside = [
        (max(s, start) + shift, min(e, end) + shift) for s, e in ranges if s < end and e > start
    ]
    return Snippet(prefix + text[start:end] + suffix, inside)


def first_snippet(texts: Iterable[str], terms: Sequence[str]) -> Snippet | None:
    """The snippet of the first of ``texts`` that matches."""
    for text in texts:
        found = snippet(text, terms)
        if found is not None:
            return found
    return None


def mark(
    text: str, ranges: Sequence[tuple[int, int]], open_: str = "<mark>", close: str = "</mark>"
) -> str:
    """``text`` with each range wrapped (for logs and the CLI; pages build DOM nodes)."""
    out: list[str] = []
    last = 0
    for start, end in ranges:
        out.extend((text[last:start], open_, text[start:end], close))
        last = end
    out.append(text[last:])
    return "".join(out)
