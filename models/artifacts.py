"""Which trained scorer a folder of artifacts holds: its ``config.json`` says, read in one place."""

from __future__ import annotations

import json
from pathlib import Path

PAIR_HEAD = "bi-encoder"  # the pair head of ``python -m models train``, whose config names no kind


def artifact_kind(folder: Path) -> str:
    """``"cross-encoder"``, ``"tuned-bi-encoder"``, ``"occupation-aware"`` or ``"bi-encoder"``;
    ``""`` when the folder holds no readable ``config.json``.

    The cross-encoder writes its kind as ``pairing``; the other trainings as ``kind``.
    """
    try:
        config = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError):
        return ""
    if not isinstance(config, dict):
        return ""
    return str(config.get("kind") or config.get("pairing") or PAIR_HEAD)
