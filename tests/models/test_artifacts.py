"""One reader of a trained folder's kind, for every loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.artifacts import artifact_kind


@pytest.mark.parametrize(("config", "kind"), [
    ('{"pairing": "cross-encoder"}', "cross-encoder"),
    ('{"kind": "tuned-bi-encoder"}', "tuned-bi-encoder"),
    ('{"kind": "occupation-aware"}', "occupation-aware"),
    ('{"name": "bi-encoder:all-MiniLM-L6-v2", "features": []}', "bi-encoder"),
    ("not json", ""),
    ("[1, 2]", ""),
])
def test_the_kind_comes_from_config_json(tmp_path: Path, config: str, kind: str) -> None:
    (tmp_path / "config.json").write_text(config)
    assert artifact_kind(tmp_path) == kind


def test_a_folder_without_config_is_no_artifact(tmp_path: Path) -> None:
    assert artifact_kind(tmp_path) == "" and artifact_kind(tmp_path / "missing") == ""
