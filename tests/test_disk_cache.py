"""The cache folder keeps what is in use and clears out old versions after a new build."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bot.core.understanding.disk_cache import GRACE_SECONDS, KEEP, cached_file, prune

DAY = 24 * 3600


def _file(folder: Path, name: str, age_days: float) -> Path:
    path = folder / name
    path.write_bytes(b"x")
    written = time.time() - age_days * DAY
    os.utime(path, (written, written))
    return path


def test_a_build_clears_old_versions_of_every_kind_but_keeps_the_newest(tmp_path: Path) -> None:
    weights = [_file(tmp_path, f"weights-{n:04x}.marshal", age_days=10 + n) for n in range(6)]
    caches = [_file(tmp_path, f"jieba.u{n:032x}.cache", age_days=30 + n) for n in range(5)]
    part = _file(tmp_path, "weights-dead.4242.part", age_days=3)
    unrelated = _file(tmp_path, "README", age_days=400)

    path = cached_file(tmp_path, "weights-new1.marshal", lambda: b"new")

    assert path.read_bytes() == b"new"
    left = {p.name for p in tmp_path.iterdir()}
    # The new file and the KEEP - 1 newest old ones; the rest is gone.
    assert {w.name for w in weights[: KEEP - 1]} <= left
    assert not {w.name for w in weights[KEEP - 1 :]} & left
    assert {c.name for c in caches[:KEEP]} <= left
    assert not {c.name for c in caches[KEEP:]} & left
    assert part.name in left  # the only one of its kind
    assert unrelated.name in left  # not a file the bot names


def test_nothing_written_within_the_grace_period_is_removed(tmp_path: Path) -> None:
    recent = [_file(tmp_path, f"pinyin-{n:04x}.marshal", age_days=0.1) for n in range(KEEP + 3)]
    assert GRACE_SECONDS >= DAY / 2
    assert prune(tmp_path) == []
    assert all(p.exists() for p in recent)


def test_a_plain_start_reads_the_file_and_removes_nothing(tmp_path: Path) -> None:
    old = [_file(tmp_path, f"weights-{n:04x}.marshal", age_days=50 + n) for n in range(KEEP + 2)]

    def never() -> bytes:
        raise AssertionError("a file that exists is not built again")

    assert cached_file(tmp_path, old[-1].name, never) == old[-1]
    assert all(p.exists() for p in old)
