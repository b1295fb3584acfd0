"""Files built once from the content and kept on disk, named by a digest of what they were built from.

The jieba dictionary and the learned weights both cost far more to build than to read; a new
content digest gives a new file, so an edit to the YAML is never answered with stale data.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


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
            return path
        except OSError:
            continue
    raise OSError(f"cannot write {name} to {cache_dir} or the temp folder")
