"""What is left of a message once the places it names and the words around them are taken out:
a message that says only where the user is ("我在日本", "I'm in Cebu now") leaves nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable

# What may stand beside a place in a message that only says where the user is.
PLACE_FILLER = re.compile(
    r"[\s\W\d_]|我|人|现在|目前|呢|啊|哦|呀|了|的|\b(?:i|m|im|am|in|at|now|here|currently|ako|dito|sa|na)\b"
)


class PlacesSaid:
    def __init__(self, place_words: Iterable[str]) -> None:
        # Longest first, so "在菲律宾" goes whole before "菲律宾" could.
        names = sorted(place_words, key=len, reverse=True)
        self._names = re.compile("|".join(map(re.escape, names)) or "(?!)")

    def rest(self, scripted: str) -> str:
        """The message without its places and the filler beside them."""
        return PLACE_FILLER.sub("", self._names.sub("", scripted))

    def only_a_place(self, scripted: str) -> bool:
        """The message says where the user is and nothing else."""
        return not self.rest(scripted)
