"""Links and handles in a user's message, found in linear time, and shown only defanged.

Every pattern here is one character class repeated once, or a bounded repeat, so the time is
linear in the message whatever it holds (no repeat of a group that itself repeats: a long run
of dots or letters cannot make the engine backtrack). Works on text already normalized
(NFKC, lower case), so full-width letters and dots are plain ASCII by now.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

# A maximal run of characters that can belong to a link: no space, no CJK, no brackets or quotes
# (so "官网10086-cz.com" and "[@x](https://t.me/x)" split where a reader would split them).
# Compiled on the first text with a dot (see _runs): a negated class over so many ranges is the
# slowest of this module's patterns to compile (1-13 ms, as the machine is loaded).
RUN = (
    r"[^\s()\[\]{}<>\"'`|，。！？、；：…「」『』【】《》“”‘’"
    r"\u2e80-\u9fff\u3000-\u303f\uac00-\ud7af\uf900-\ufaff]+"
)
# A Telegram username: @ not preceded by a letter, digit or dot (that would be an e-mail address).
HANDLE = re.compile(r"(?<![0-9a-z_.@/])@([a-z0-9_]{4,32})(?![0-9a-z_])")
# "@ cz_888": a space after the @ to get past filters; only a name with a digit or _ counts
# ("@ home" is not one).
SPACED_HANDLE = re.compile(r"(?<![0-9a-z_.@/])@ (?=[a-z]{0,31}[0-9_])([a-z0-9_]{4,32})(?![0-9a-z_])")
# A name written after the app it belongs to, with no @: "TG: esim1088", "飞机号 esim1088", "加V abc_123".
TELEGRAM_WORDS = "tg|t.g|telegram|纸飞机|飞机号|飞机|电报"
# QQ is also written 扣扣 or Q群 (a group's number), WeChat 加薇 to get past filters.
CHAT_WORDS = "微信号|微信|加微|加薇|vx|wx|v信|薇信|威信|加v|whatsapp|viber|line|qq群|qq|q群|扣扣群|扣扣"
# No look-behind in front (re then finds where an app's name begins much faster): the edge
# before a Latin name is checked on the match.
APP_WORDS = "|".join(map(re.escape, f"{TELEGRAM_WORDS}|{CHAT_WORDS}".split("|")))
NAMED_ID = re.compile(
    rf"(?P<app>{APP_WORDS})(?P<sep> {{0,2}}(?:同号|号|id)?[:=]? {{0,2}}@?)"
    r"(?P<id>[a-z][a-z0-9_-]{4,31}|\+?[0-9][0-9x -]{6,16}[0-9x])(?![0-9a-z_-])"
)
TELEGRAM_APPS = frozenset(TELEGRAM_WORDS.split("|"))
# A number to call back: "请立即拨打 400-123-4567", "联系专员 138-0013-8000", "call 0917 123 4567".
# An x stands for a digit hidden when the message was passed on ("0755-2xx8 8xx6"): still a number.
CALL_NUMBER = re.compile(
    r"(?:拨打|致电|回拨|回电|联系|咨询|热线|call|text|tumawag sa|tawagan)"
    # More words between when they name the caller's own desk: "call our legal department at +63 2 …",
    # "tawagan nyo po kami sa 0922 …" ("call me later at …" is a friend's number, not a desk's).
    # "text CLAIM to 0919 …" names a keyword, then the number.
    r"(?:[^0-9\n]{0,6}|[^0-9\n.!?。！？,，]{0,12}\b(?:our|the|us|kami|namin)\b[^0-9\n.!?。！？,，]{0,28}?"
    r"| [a-z0-9]{1,16} (?:to|sa) )"
    # An x or * stands for a digit hidden when the message was passed on ("400-8**-3321").
    r"(?P<number>\+?[0-9][0-9x* -]{5,16}[0-9x*])(?![0-9a-z])"
)
TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})
# t.me paths that are not a name: t.me/s/<name> is a channel's web preview, t.me/+<code> an invite.
TELEGRAM_PREFIXES = frozenset({"s", "joinchat", "addstickers", "share"})
LABEL = re.compile(r"[a-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff-]{1,63}")
# Letters from other alphabets too: "10086.сn" ends in a Cyrillic с.
TLD = re.compile(r"[a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]{2,24}|xn--[a-z0-9-]{1,59}")
MAX_SHOWN = 40


# A bare IPv4 address as a link's host: only with a scheme, a port or a path ("1.2.3.4" alone may be
# a version number).
IP_HOST = re.compile(r"(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})(?:\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})){3}")


@dataclass(frozen=True)
class Link:
    host: str  # lower case, no scheme, port or path
    path: str
    ip: bool = False  # the host is a bare IP address: no name to check, and operators link by name


@dataclass(frozen=True)
class Handle:
    name: str  # without '@', lower case; digits only for a phone number
    app: str  # 'telegram' or 'chat' (WeChat, WhatsApp, ...)
    phone: bool = False

    def shown(self) -> str:
        return show_phone(self.name) if self.phone else show_handle(self.name)


def _host_and_path(run: str) -> tuple[str, str] | None:
    """The host and path of a run that is a link ("https://a.b/c", "a.b", "www.a.b/c"), else None."""
    scheme = run.find("://")
    if scheme >= 0:
        run = run[scheme + 3 :]
    elif "@" in run.split("/", 1)[0]:
        return None  # an e-mail address, not a link
    run = run.lstrip(".-_~:=+*#,!?;")
    end = len(run)
    for stop in "/?#\\":
        found = run.find(stop)
        if 0 <= found < end:
            end = found
    host, path = run[:end], run[end:]
    host = host.rsplit("@", 1)[-1]
    if IP_HOST.fullmatch(host.split(":", 1)[0]):
        return (host.split(":", 1)[0], path) if scheme >= 0 or path or ":" in host else None
    # "a.b:8080" names a port; "app:gjfz-app.top" (a colon after a word, NFKC's from "APP：") labels
    # the link that follows it.
    before, colon, after = host.partition(":")
    host = (after if colon and after and not after.isdigit() else before).rstrip(".-_~,!?;")
    labels = host.split(".")
    if len(labels) < 2 or not TLD.fullmatch(labels[-1]):
        return None
    if not all(LABEL.fullmatch(label) for label in labels):
        return None
    return host, path


def find_links(text: str) -> list[Link]:
    if "." not in text:  # most messages: no need to walk them
        return []
    links = []
    for match in _runs().finditer(text):
        run = match.group(0)
        if "." not in run:
            continue
        parts = _host_and_path(run)
        if parts is not None:
            links.append(Link(*parts, ip=IP_HOST.fullmatch(parts[0]) is not None))
    return links


@functools.cache
def _runs() -> re.Pattern[str]:
    return re.compile(RUN)


def telegram_name(link: Link) -> str | None:
    """The channel or user a t.me link points to, if it is one."""
    if link.host.removeprefix("www.") not in TELEGRAM_HOSTS:
        return None
    segments = [s for s in link.path.split("/") if s]
    if segments and segments[0] in TELEGRAM_PREFIXES:
        segments = segments[1:]
    if not segments:
        return None
    name = segments[0].split("?", 1)[0]
    return name.lower() if re.fullmatch(r"\+?[a-z0-9_]{3,64}", name, re.I) else None


def find_handles(text: str) -> list[Handle]:
    found: dict[str, Handle] = {}
    if "@" in text:
        for pattern in (HANDLE, SPACED_HANDLE):
            for match in pattern.finditer(text):
                found.setdefault(match.group(1), Handle(match.group(1), "telegram"))
    for match in NAMED_ID.finditer(text):
        if match.start() and text[match.start() - 1].isascii() and text[match.start() - 1].isalnum():
            continue  # "tg" inside a word
        name = match.group("id")
        # "telegram group" names no one: an id has a digit or _ in it, or follows a ':' or '@'.
        if not (match.group("sep").strip() or any(c.isdigit() or c == "_" for c in name)):
            continue
        app = "telegram" if match.group("app") in TELEGRAM_APPS else "chat"
        phone = not name[0].isalpha()
        if phone:
            name = "".join(c for c in name if c.isdigit() or c == "x")
        found.setdefault(name, Handle(name, app, phone))
    return list(found.values())


def show_handle(name: str) -> str:
    """@es…88: enough to recognise, not enough to tap or copy."""
    name = name.lstrip("@+")
    if len(name) <= 4:
        return "@" + name[:1] + "…"
    return "@" + name[:2] + "…" + name[-2:]


# What a piece of evidence may still hold after it was cut from the message: an @name that can be
# tapped (an e-mail's "@domain" too), a number of seven digits or more as typed, a dot that joins
# a name to a letter (a domain), a scheme. Each is linear: one class repeated, or a bounded repeat.
_TAPPABLE = re.compile(r"@ ?([A-Za-z0-9_]{3,})")
_LONG_NUMBER = re.compile(r"\+?[0-9](?:[ -]?[0-9]){6,}")
_LIVE_DOT = re.compile(r"(?<=[^\s.\[\]])\.(?=[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff])")
_SCHEME = re.compile(r"(?i)\bh(tt)(ps?:)")
# A match that ends or begins inside a name or a number is widened to the whole of it (no more than
# this far), so that it is masked as a whole: "selling @cheap_load" was the live @cheap_load.
_TOKEN = re.compile(r"[0-9A-Za-z_@.+/-]")
WIDEN = 64


def widened(text: str, start: int, end: int) -> str:
    """text[start:end], and the rest of a name, number or link the cut went through."""
    if end < len(text) and end > start and _TOKEN.match(text[end - 1]) and _TOKEN.match(text[end]):
        stop = min(len(text), end + WIDEN)
        while end < stop and _TOKEN.match(text[end]):
            end += 1
    if 0 < start < end and _TOKEN.match(text[start]) and _TOKEN.match(text[start - 1]):
        stop = max(0, start - WIDEN)
        while start > stop and _TOKEN.match(text[start - 1]):
            start -= 1
    return text[start:end]


def shown(text: str, names: Iterable[str] = (), keep: Iterable[str] = ()) -> str:
    """A piece of a user's message as a verdict may repeat it: nothing to tap, copy or call.

    `names`: the handles and numbers the whole message holds (a name may stand without its @
    in a piece: "tg: esim1088"); `keep`: numbers that are nobody's own (an operator's hotline).
    Showing what was shown changes nothing.
    """
    for name in sorted(names, key=len, reverse=True):
        if len(name) >= 3 and name in text:
            text = text.replace(name, show_phone(name) if name.isdigit() else show_handle(name).lstrip("@"))
    if "@" in text:
        text = _TAPPABLE.sub(lambda m: show_handle(m.group(1)), text)
    kept = frozenset(keep)

    def number(match: re.Match[str]) -> str:
        digits = "".join(c for c in match.group(0) if c.isdigit())
        return match.group(0) if digits in kept else show_phone(digits)

    text = _LONG_NUMBER.sub(number, text)
    if "." in text:
        text = _LIVE_DOT.sub("[.]", text)
    return _SCHEME.sub(r"hxx\2", text) if "://" in text else text


def find_call_numbers(text: str) -> list[str]:
    """The digits of each number the text asks to call ("拨打 400-123-4567" → "4001234567")."""
    return [
        "".join(c for c in m.group("number") if c.isdigit() or c == "x") for m in CALL_NUMBER.finditer(text)
    ]


def show_phone(digits: str) -> str:
    """+63…67 style: the country or network part and the last two digits only."""
    return digits[:3] + "…" + digits[-2:]


def show_host(host: str) -> str:
    """10086-cz[.]com: readable, never a link (no scheme, no path, the dots bracketed)."""
    if len(host) > MAX_SHOWN:
        host = "…" + host[-MAX_SHOWN:].split(".", 1)[-1]
    return host.replace(".", "[.]")


@functools.cache
def _suffixes() -> PublicSuffixList:
    # Loaded on the first link only (about 0.05 s and 14 MB; tldextract, used before, took 0.28 s
    # and 36 MB as it imports requests). The list bundled with the package, its ICANN section as
    # tldextract's default was: nothing is fetched and nothing is written.
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(only_icann=True, accept_unknown=False)


def split_host(host: str) -> tuple[str, str, str]:
    """(subdomain, name, public suffix): 'a.b.smart.com.ph' → ('a.b', 'smart', 'com.ph');
    an address has no suffix ('1.2.3.4' → ('', '1.2.3.4', '')), nor has an unknown TLD."""
    host = host.strip(".")
    if IP_HOST.fullmatch(host):
        return "", host, ""
    suffix = _suffixes().publicsuffix(host)
    if suffix is None:  # not a known TLD: the last label is the name
        head, _, name = host.rpartition(".")
        return head, name, ""
    if suffix == host:
        return "", "", suffix
    subdomain, _, name = host[: -len(suffix) - 1].rpartition(".")
    return subdomain, name, suffix


def registrable(host: str) -> str:
    """The domain someone registered: 'help.smart.com.ph' → 'smart.com.ph'."""
    _, name, suffix = split_host(host)
    return f"{name}.{suffix}" if name and suffix else host
