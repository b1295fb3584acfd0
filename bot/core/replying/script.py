"""Which script the user writes in, and the reply in that script: simplified stays simplified,
traditional gets traditional, with Hong Kong or Taiwan wording where the user's own words show it.

Detection is a pure function of the text. Conversion happens when the reply is rendered; each
distinct text is converted once per script and kept (answers are a fixed set rendered at load).
"""

from __future__ import annotations

import re

import opencc

from bot.core.understanding.normalize import what_decides

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
HONG_KONG = "hongkong"
TAIWAN = "taiwan"
SCRIPTS = (SIMPLIFIED, TRADITIONAL, HONG_KONG, TAIWAN)
# OpenCC's configuration for each traditional script, each with one character standard: s2t mixes
# 爲/為, 裏/裡 and 覈/核 (核實 becomes 覈實 but 核對 stays), so generic traditional uses Taiwan's
# characters (s2tw: 為, 裡, 核); Taiwan also gets its phrases (s2twp: 簡訊, 網路); Hong Kong s2hk.
_CONFIGS = {TRADITIONAL: "s2tw", HONG_KONG: "s2hk", TAIWAN: "s2twp"}
# Taiwan's words for top-ups and shops, which s2twp leaves alone (applied after it), except inside
# “quotes”: a quoted menu entry (支付寶的“手機充值”) is written as the app writes it.
TAIWAN_VOCABULARY = {"充值": "儲值", "便利店": "超商"}
_TAIWAN_WORDS = re.compile("“[^”]*”|" + "|".join(TAIWAN_VOCABULARY))

# Words only one region uses for top-ups and shops, written in traditional characters; the
# reply follows that region's conventions (裏/裡, 台/臺) when one of them is in the question.
HONG_KONG_WORDS = (
    "增值",
    "易付卡",
    "點樣",
    "點解",
    "係咪",
    "唔",
    "嘅",
    "咗",
    "冇",
    "邊度",
    "乜嘢",
    "咩",
    "佢",
    "俾錢",
    "攞",
)
TAIWAN_WORDS = ("儲值", "門市", "超商", "預付卡", "簡訊", "網路", "手機門號", "門號", "台灣", "臺灣")


class ScriptDetector:
    """Finds traditional writing by the characters t2s changes. Telling simplified writing from
    text that only uses characters both scripts share (你好, 充值) needs s2t, whose dictionaries
    cost 70 ms and 25 MB to load: it is loaded only for a chat that writes traditional, the one
    case where the answer changes."""

    def __init__(self) -> None:
        self._t2s = opencc.OpenCC("t2s")
        self._s2t: opencc.OpenCC | None = None

    def detect(self, text: str, previous: str | None = None) -> str | None:
        """The script of the text, or None when it shows none (Latin, digits, shared characters)."""
        text = what_decides(text)  # the part of a long message the classifier reads
        if traditional := _differences(text, self._t2s.convert(text)):
            region = _region(text)
            # Cantonese typed in simplified characters keeps a few traditional ones (撳, 喺 is
            # shared): more simplified than traditional characters is simplified writing.
            if region == HONG_KONG and self._simplified(text) > traditional:
                return SIMPLIFIED
            return region or TRADITIONAL
        if region := _region(text):
            # 增值, 易付卡, 唔 are written the same in both scripts; Cantonese typed in simplified
            # characters ("我老妈喺香港收到短信…") is answered in simplified.
            return SIMPLIFIED if self._simplified(text) else region
        if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
            return None
        if previous in (None, SIMPLIFIED):
            return SIMPLIFIED  # simplified or shared characters: the answer is simplified either way
        return SIMPLIFIED if self._simplified(text) else None

    def _simplified(self, text: str) -> int:
        """How many characters of the text only simplified writing uses."""
        if self._s2t is None:
            self._s2t = opencc.OpenCC("s2t")
        return _differences(text, self._s2t.convert(text))


def _region(text: str) -> str | None:
    if any(w in text for w in HONG_KONG_WORDS):
        return HONG_KONG
    if any(w in text for w in TAIWAN_WORDS):
        return TAIWAN
    return None


def _differences(text: str, converted: str) -> int:
    if len(text) != len(converted):  # a phrase conversion changed the length: compare sets instead
        return len(set(text) - set(converted))
    return sum(a != b for a, b in zip(text, converted, strict=True))


class ScriptConverter:
    """Simplified answer text → the user's script, each distinct text converted once.

    Each converter is loaded when a chat first needs it (s2tw or s2hk: 60–75 ms, 15–25 MB), so a
    bot whose users all write simplified never pays for them.
    """

    def __init__(self) -> None:
        self._converters: dict[str, opencc.OpenCC] = {}
        self._cache: dict[tuple[str, str], str] = {}

    def __call__(self, text: str, script: str | None) -> str:
        if script not in _CONFIGS or not text:
            return text
        key = (script, text)
        converted = self._cache.get(key)
        if converted is None:
            converter = self._converters.get(script)
            if converter is None:
                converter = self._converters[script] = opencc.OpenCC(_CONFIGS[script])
            converted = converter.convert(text)
            if script == TAIWAN:
                converted = _TAIWAN_WORDS.sub(
                    lambda m: TAIWAN_VOCABULARY.get(m.group(0), m.group(0)), converted
                )
            self._cache[key] = converted
        return converted
