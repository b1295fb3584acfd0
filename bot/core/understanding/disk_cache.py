"""Files built once from the content and kept on disk, named by a digest of what they were built from.

The jieba dictionary and the learned weights both cost far more to build than to read; a new
content digest gives a new file, so an edit to the YAML is never answered with stale data.
Each edit also leaves the old files behind (about 1 MB of weights, 1.4 MB of dictionary and jieba
cache), so a new build clears out old versions of every kind: a folder that only grew had reached
120 MB after a few weeks of edits.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

# Versions of each kind of file (weights, jieba dictionary, jieba's own cache, pinyin table) that
# are always kept: another checkout or a process still starting may be using an older one.
KEEP = 3
# Nor is anything written in the last day removed, whatever its rank.
GRACE_SECONDS = 24 * 3600
# "weights-<digest>.marshal", "jieba-<digest>.txt", "jieba-<digest>.cache", a build's ".<pid>.part".
_KIND = re.compile(r"^(?P<kind>[a-z]+)[-.].*?(?P<suffix>\.[a-z]+)$")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "topup-guide"


def cached_file(cache_dir: Path | None, name: str, build: Callable[[], bytes]) -> Path:
    """The path of `name` in the cache folder (else the temp folder), built first if it is missing."""
    for folder in (cache_dir or default_cache_dir(), Path(tempfile.gettempdir()) / "topup-guide"):
        path = folder / name
        if path.is_file():
            return path
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Write then rename, so two processes starting at once never read half a file.
            partial = path.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(build())
            partial.replace(path)
        except OSError:
            continue
        prune(folder)
        return path
    raise OSError(f"cannot write {name} to {cache_dir} or the temp folder")


def prune(folder: Path, now: float | None = None) -> list[Path]:
    """Removes the old versions of each kind of file, keeping the newest KEEP and anything written
    within GRACE_SECONDS; returns what it removed. Runs only after a build, never on a plain start."""
    now = time.time() if now is None else now
    kinds: dict[tuple[str, str], list[tuple[float, Path]]] = defaultdict(list)
    for path in folder.iterdir():
        match = _KIND.match(path.name)
        if match is None or not path.is_file():
            continue
        try:
            kinds[match["kind"], match["suffix"]].append((path.stat().st_mtime, path))
        except OSError:  # removed by another process meanwhile
            continue
    removed = []
    for versions in kinds.values():
        versions.sort(reverse=True)
        for written, path in versions[KEEP:]:
            if now - written > GRACE_SECONDS:
                try:
                    path.unlink()
                except OSError:
                    continue
                removed.append(path)
    return removed
