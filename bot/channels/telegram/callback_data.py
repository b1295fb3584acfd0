"""Button payloads: small, versioned, validated (Telegram allows 64 bytes)."""

from __future__ import annotations

import re

VERSION = "v1"
MAX_BYTES = 64
# What the core's actions look like; anything else is stale or forged.
ACTION = re.compile(r"^(?:intent|operator|operator-menu|more|remind):[a-z][a-z0-9_]{0,40}$|^menu$")


def encode(action: str) -> str:
    data = f"{VERSION}|{action}"
    if len(data.encode()) > MAX_BYTES or not ACTION.match(action):
        raise ValueError(f"cannot put {action!r} on a button")
    return data


def decode(data: str | None) -> str | None:
    """The action behind a tapped button, or None for an old version or forged data."""
    if not data:
        return None
    version, _, action = data.partition("|")
    if version != VERSION or not ACTION.match(action):
        return None
    return action
