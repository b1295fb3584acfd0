"""The regular expressions an operator writes, compiled by RE2: linear in the text, whatever the pattern.

Intent patterns, the lexicon's negations, the operators' corrections and the scam check's patterns
run on every message. Python's re backtracks: one pattern such as (a+)+b or (x|xx)+y and one
message of 40 "a" froze every chat for seconds. RE2 (google-re2) never backtracks: a search costs
time proportional to the text times the pattern, so no message can do that, and no list of
dangerous shapes has to be kept up to date.

What RE2 cannot run (look-arounds, back-references, atomic groups, conditionals) is refused with
a fix; so is what both engines accept but read differently: {,n} (a repeat in Python, plain text
in RE2) and \\C (one byte of a character). \\d, \\w, \\s and \\b are ASCII in RE2, as the content
uses them: for Chinese, list the characters ([的了]) or write the words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is a problem for `check` to report, not a log line
# Python reads {,n} as {0,n}, RE2 as the text "{,n}"; outside a character class, not escaped.
_EMPTY_MINIMUM = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|(?P<repeat>\{,[0-9]*\})")
_BYTE = re.compile(r"\\.")

# RE2's message for what it refuses -> what to write instead.
_FIXES = (
    (
        ("(?=", "(?!"),
        "RE2 has no look-ahead: match what must follow in a group (?P<after>...) at the end"
        " (内(?P<after>$|[^有]) is 内 not followed by 有; the scam check leaves it out of the evidence),"
        " or in an intent pattern write words that must not appear at all as 'unless: <regex>'",
    ),
    (
        ("(?<",),
        "RE2 has no look-behind: match what must come before in a group (?P<before>...) at the start"
        " ((?P<before>能|会)帮 is 帮 after 能 or 会; the scam check leaves it out of the evidence)",
    ),
    (("\\1", "\\2", "\\3", ": (?P"), "RE2 has no back-references: write the repeated words out"),
    (("(?>", "++", "*+", "?+"), "RE2 needs no atomic groups or possessive repeats: write a plain repeat"),
    (("(?(",), "RE2 has no conditionals: write the two cases as two patterns"),
    (("\\u", "\\U", "\\N"), "write a character by itself or as \\x{4e00}"),
    (("\\Z",), "write \\z for the end of the text"),
    (("(?#",), "write comments as YAML comments (# …) on their own line"),
    (("(?x", "(?a", "(?L"), "RE2 knows the flags i, m, s and U only"),
)


class PatternError(ValueError):
    """A pattern RE2 cannot run as written, with what to write instead."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


class Match(Protocol):
    """What a search found: spans in characters of the text searched (groups by number or name)."""

    def group(self, group: int | str = 0) -> str | None: ...

    def start(self, group: int = 0) -> int: ...

    def end(self, group: int = 0) -> int: ...

    def span(self, group: int = 0) -> tuple[int, int]: ...


class Regex:
    """One content pattern on RE2. `search` and `finditer` take and give characters;
    `search_from` takes UTF-8 text and gives bytes, for many searches of one text (each `search`
    encodes the text again)."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, source: str) -> None:
        self.pattern = source
        _refuse_silent_differences(source)
        try:
            self._compiled: Any = re2.compile(source, _OPTIONS)
        except re2.error as exc:
            reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            raise PatternError(
                f"the regular expression {source!r} cannot run: {reason}", _fix(reason)
            ) from None

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self._compiled.groupindex  # type: ignore[no-any-return]

    def search(self, text: str) -> Match | None:
        return self._compiled.search(text)  # type: ignore[no-any-return]

    def finditer(self, text: str) -> Iterator[Match]:
        return self._compiled.finditer(text)  # type: ignore[no-any-return]

    def search_from(self, encoded: bytes, pos: int) -> Match | None:
        """The first match at or after byte `pos` of UTF-8 text, with spans in bytes (what came
        before `pos` still counts for ^ and \\b)."""
        return self._compiled.search(encoded, pos)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r})"


def _refuse_silent_differences(source: str) -> None:
    for match in _EMPTY_MINIMUM.finditer(source):
        if match.group("repeat"):
            repeat = match.group("repeat")
            raise PatternError(
                f"the regular expression {source!r} writes {repeat}, which RE2 reads as plain text",
                f"write {{0,{repeat[2:]} for a repeat of at most {repeat[2:-1] or 'any number'}",
            )
    if any(m.group(0) == "\\C" for m in _BYTE.finditer(source)):
        raise PatternError(
            f"the regular expression {source!r} uses \\C (one byte of a character)", "write . for a character"
        )


def _fix(reason: str) -> str:
    for markers, fix in _FIXES:
        if any(marker in reason for marker in markers):
            return fix
    return "fix the expression (RE2 syntax: https://github.com/google/re2/wiki/Syntax)"


class RegexSet:
    """Which of several patterns find something in a text, in one call: RE2 (FilteredRE2) reads
    the words each pattern cannot match without, looks for all of them in one pass, and runs
    only the patterns whose words are there. Most messages hold none of a pattern's words."""

    __slots__ = ("_filter",)

    def __init__(self, patterns: Iterable[Regex]) -> None:
        self._filter: Any = re2.Filter()
        for pattern in patterns:
            self._filter.Add(pattern.pattern, _OPTIONS)
        self._filter.Compile()

    def matching(self, text: str) -> set[int]:
        """The positions (in the order given) of the patterns that find something in the text."""
        return set(self._filter.Match(text) or ())


class Encoded:
    """A text as RE2 reads it (UTF-8), and its byte offsets as character offsets, read forward
    from the last one asked: offsets asked in order cost one pass over the text in all."""

    __slots__ = ("_byte", "_char", "data", "plain")

    def __init__(self, text: str) -> None:
        self.data = text.encode()
        self.plain = len(self.data) == len(text)  # ASCII: a byte is a character
        self._byte = self._char = 0

    def char(self, byte: int) -> int:
        if self.plain:
            return byte
        if byte < self._byte:
            self._byte = self._char = 0
        self._char += len(self.data[self._byte : byte].decode())
        self._byte = byte
        return self._char

    def after(self, byte: int) -> int:
        """The byte offset of the character after the one starting at `byte`."""
        byte += 1
        while byte < len(self.data) and self.data[byte] & 0xC0 == 0x80:
            byte += 1
        return byte
