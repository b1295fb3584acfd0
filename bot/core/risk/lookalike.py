"""Is a host official, a look-alike of an official one, or just somebody else's?

Look-alikes are found the ways they are made: a swapped digit or letter (l0086, smarl), the
official name with extra words (10086-cn.com, smart-com-ph.info, smart.com.ph.login.top), another
ending (10086.com), and letters from other alphabets that look Latin (ѕmart with a Cyrillic ѕ).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from bot.core.risk.links import registrable, split_host

# Characters that pass for one another in a domain or a sender's number.
SKELETON = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "!": "l", "5": "s", "$": "s"})
TOKENS = re.compile(r"[a-z]+|[0-9]+")
Kind = Literal["official", "lookalike", "homoglyph", "unofficial"]


def skeleton(text: str) -> str:
    return text.replace("rn", "m").replace("vv", "w").translate(SKELETON)


@functools.cache
def _latin(char: str) -> str:
    """The Latin letter a character from another alphabet passes for ('ѕ' → 's'), or the character."""
    # Imported on the first non-Latin host only (its table costs about 30 ms to load).
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"]) or []
    for entry in found:
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii() and len(glyph["c"]) == 1:
                return str(glyph["c"]).lower()
    return char


def _distance(a: str, b: str) -> int:
    # Imported with the first link; transpositions count once ("smrat").
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a, b))


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    official: str | None = None  # the official domain it is, or passes for
    owner: str | None = None  # whose that domain is


@dataclass(frozen=True)
class _Brand:
    name: str  # the registered name without its ending: 'smart' for smart.com.ph
    skeleton: str
    joined: str  # the whole domain without dots, as a look-alike may write it: 'smartcomph'
    domain: str
    owner: str
    parts: frozenset[str]  # the domain's ending in words: {'com', 'ph'}


class OfficialSites:
    def __init__(
        self,
        allowlist: tuple[str, ...],
        sites: dict[str, str],
        numbers: dict[str, str],
        words: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._allowlist = allowlist
        self._sites = sites
        self._words = words or {}
        self._numbers = {skeleton(n): (n, owner) for n, owner in numbers.items()}

    @functools.cached_property
    def _brands(self) -> tuple[_Brand, ...]:
        brands = []
        for domain, owner in self._sites.items():
            joined = skeleton(domain.replace(".", ""))
            for name in (split_host(domain)[1], *self._words.get(domain, ())):
                parts = frozenset(split_host(domain)[2].split("."))
                brands.append(_Brand(name, skeleton(name), joined, domain, owner, parts))
        return tuple(brands)

    def allowed(self, host: str) -> str | None:
        """The allowlisted domain this host is, or is a subdomain of."""
        return next((d for d in self._allowlist if host == d or host.endswith("." + d)), None)

    def owner(self, domain: str) -> str | None:
        return self._sites.get(domain)

    def judge(self, host: str) -> Verdict:
        host = _decode_idn(host)
        if not host.isascii():
            latin = "".join(c if c.isascii() else _latin(c) for c in host)
            if latin.isascii():
                verdict = self._judge_ascii(latin)
                if verdict.kind in ("official", "lookalike"):
                    return Verdict("homoglyph", verdict.official, verdict.owner)
                return Verdict("unofficial")
            # A character that passes for nothing, added to an official name ("䌕10010.com").
            rest = "".join(c for c in latin if c.isascii()).strip(".-")
            verdict = self._judge_ascii(rest) if "." in rest else Verdict("unofficial")
            if verdict.kind in ("official", "lookalike"):
                return Verdict("lookalike", verdict.official, verdict.owner)
            return Verdict("unofficial")
        return self._judge_ascii(host)

    def _judge_ascii(self, host: str) -> Verdict:
        allowed = self.allowed(host)
        if allowed is not None:
            return Verdict("official", allowed, self.owner(allowed))
        brand = self._lookalike(host)
        if brand is not None:
            return Verdict("lookalike", brand.domain, brand.owner)
        return Verdict("unofficial")

    def _lookalike(self, host: str) -> _Brand | None:
        subdomain, name, _ = split_host(host)
        words = [w for w in re.split(r"[-_.]", f"{subdomain}.{name}") if w]
        tokens = {skeleton(t) for w in words for t in (w, *TOKENS.findall(w))}
        name_skeleton = skeleton(name.replace("-", ""))
        for brand in self._brands:
            if brand.skeleton in tokens or brand.joined == name_skeleton:
                return brand
            # The name run into another word, with the official ending as a word of its own:
            # smartrewards.ph-claim.com (not smartphones.com.ph, whose ph is its real ending).
            if (
                len(brand.name) >= 5
                and brand.parts & set(words)
                and any(t.startswith(brand.skeleton) or t.endswith(brand.skeleton) for t in tokens)
            ):
                return brand
            # One slip for a short name (smarl), two for a long one (chinamobi1e).
            if len(brand.name) >= 5 and abs(len(name) - len(brand.name)) <= 2:
                limit = 1 if len(brand.name) < 9 else 2
                if _distance(name_skeleton, brand.skeleton) <= limit:
                    return brand
        return None

    def lookalike_number(self, token: str) -> tuple[str, str] | None:
        """(the hotline, its operator) when token passes for it without being it: l0086 → 10086."""
        found = self._numbers.get(skeleton(token))
        if found is None or found[0] == token:
            return None
        return found

    def registrable(self, host: str) -> str:
        return registrable(_decode_idn(host))


def _decode_idn(host: str) -> str:
    """xn--… labels in Unicode, so a look-alike written in punycode is judged by what it shows."""
    if "xn--" not in host:
        return host
    try:
        return host.encode("ascii").decode("idna").lower()
    except (UnicodeError, ValueError):
        return host
