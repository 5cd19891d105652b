"""Reading the public data sets for training and evaluation: CV files parsed once, then cached.

Parsing 2,000 real PDFs takes minutes, so parsed text is cached on disk by content hash under
``RECRUIT_DATA_DIR/cache/parsed`` (outside the repository); a pool of worker processes parses
what is not cached yet.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tqdm import tqdm

from core.config import get_settings

logger = logging.getLogger(__name__)


def cache_dir() -> Path:
    path = get_settings().data_dir / "cache" / "parsed"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _parse_one(path_and_cache: tuple[str, str]) -> tuple[str, str | None, str | None]:
    """Worker: (path, cache folder) → (path, text or None, error or None)."""
    from core.documents import parse_document
    from core.errors import ParseError

    path, cache = path_and_cache
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    cached = Path(cache) / f"{digest}.txt"
    if cached.is_file():
        return path, cached.read_text(encoding="utf-8"), None
    try:
        text = parse_document(data, Path(path).name).text
    except ParseError as exc:
        return path, None, str(exc)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(cached)  # atomic: a crashed run never leaves half a file in the cache
    return path, text, None


def parse_files(paths: Sequence[Path], *, workers: int | None = None, desc: str = "parsing CVs") -> dict[Path, str]:
    """Text of each readable file (unreadable ones are logged and left out), cached by content."""
    cache = str(cache_dir())
    workers = workers or max(1, min(os.cpu_count() or 1, 4))
    jobs = [(str(p), cache) for p in paths]
    texts: dict[Path, str] = {}
    failed = 0
    if workers == 1 or len(jobs) < 8:
        results = map(_parse_one, jobs)
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_parse_one, jobs, chunksize=8)
    for path, text, error in tqdm(results, total=len(jobs), desc=desc, leave=False):
        if text is None:
            failed += 1
            logger.info("skipped %s: %s", path, error)
        else:
            texts[Path(path)] = text
    if failed:
        logger.warning("%d of %d files could not be parsed and were left out", failed, len(jobs))
    return texts
