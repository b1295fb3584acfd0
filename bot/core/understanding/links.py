"""Finds the links, domains and Telegram handles in a text, in one left-to-right pass.

One pass, linear in the text's length whatever it holds: a regular expression that tries to
match a whole dotted domain backtracks over every label it could end on, so a long run of
"a.a.a.…" (or "p.m." four thousand times, which is what NFKC makes of ㏘) costs quadratic time.
Here the scanner only picks up maximal runs of host characters, and the labels of a run are read
once, in Python, to decide where a domain starts and ends.

Shared by the normalizer (links become placeholder words), the answer check (links only to the
allowlist) and the scam checker. Give it NFKC-normalized text to catch full-width forms
(evil-topup．xyz); the spans index the text it was given.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

# The top-level domains people write without https:// in front (the bare-domain case);
# a link with a scheme or www. is a link whatever it ends in.
COMMON_TLDS = frozenset({"com", "cn", "ph", "net", "org", "cc", "me", "io", "xyz", "top", "vip"})
TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})

# Each alternative is linear on its own: a scheme and everything up to the next space; a handle
# of bounded length (after anything but a Latin letter or digit, so an e-mail's @ is not one,
# but 联系@name is); a run of host characters (dots included) that does not start inside one.
_SCAN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<handle>(?<![a-z0-9_.])@[a-z0-9_]{4,32}(?![a-z0-9_]))"
    r"|(?P<run>(?<![a-z0-9-])[a-z0-9-][a-z0-9.-]*)",
    re.I,
)
_PATH = re.compile(r"/\S*")
_HOST = re.compile(r"(?:https?://)?([a-z0-9.-]*)", re.I)
_ALPHA_TLD = re.compile(r"[a-z]{2,}", re.I)

Kind = Literal["url", "domain", "telegram", "handle"]


@dataclass(frozen=True)
class Link:
    kind: Kind  # "telegram" is a t.me link: a handle by another name
    text: str
    start: int
    end: int
    host: str  # lower case, without a trailing dot; "" for a handle

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


def _is_tld(label: str, tlds: Collection[str] | None) -> bool:
    if tlds is None:  # any all-letter label of two or more: the strict reading, for the answer check
        return _ALPHA_TLD.fullmatch(label) is not None
    return label.lower() in tlds


def _domains(run: str, tlds: Collection[str] | None) -> list[tuple[int, int]]:
    """(start, end) within the run of each domain in it, left to right, each as long as it can be.

    A domain is two or more non-empty labels ending in a TLD label, as a regular expression
    would find it: it starts at the first label of a stretch of non-empty labels (an empty
    label, "a..b", ends a stretch) and ends at the last TLD label of that stretch.
    """
    found: list[tuple[int, int]] = []
    stretch_start = tld_end = -1
    position = 0
    for label in run.split("."):
        if not label:
            if tld_end > 0:
                found.append((stretch_start, tld_end))
            stretch_start = tld_end = -1
        elif stretch_start < 0:
            stretch_start = position
        elif _is_tld(label, tlds):
            tld_end = position + len(label)
        position += len(label) + 1
    if tld_end > 0:
        found.append((stretch_start, tld_end))
    return found


def find_links(text: str, tlds: Collection[str] | None = COMMON_TLDS) -> list[Link]:
    """Every link, bare domain, t.me link and @handle in text, in order, not overlapping.

    `tlds` lists the endings that make a bare dotted word a domain (smart.com.ph, 10086-cz.com);
    None accepts any all-letter ending, for text that should hold no domain at all.
    """
    links: list[Link] = []
    position = 0
    while (match := _SCAN.search(text, position)) is not None:
        position = match.end()
        if match.lastgroup == "url":
            links.append(_link("url", text, match.start(), match.end()))
        elif match.lastgroup == "handle":
            links.append(Link("handle", match.group(), match.start(), match.end(), ""))
        else:
            start = match.start()
            spans = _domains(match.group(), tlds)
            for number, (begin, end) in enumerate(spans, start=1):
                end += start
                path = _PATH.match(text, end) if number == len(spans) and end == match.end() else None
                if path is not None:
                    end = position = path.end()
                links.append(_link("domain", text, start + begin, end))
    return links


def _link(kind: Kind, text: str, start: int, end: int) -> Link:
    matched = text[start:end]
    host_match = _HOST.match(matched)
    host = (host_match.group(1) if host_match else "").lower().rstrip(".")
    if host in TELEGRAM_HOSTS:
        kind = "telegram"
    return Link(kind, matched, start, end, host)
