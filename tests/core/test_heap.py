"""Loaded models are kept out of the cyclic garbage collector's full collections."""

from __future__ import annotations

import gc

import pytest


def test_freeze_loaded_moves_every_live_object_out_of_the_collector() -> None:
    from core.heap import freeze_loaded

    before = gc.get_freeze_count()
    kept = [[i] for i in range(1000)]  # lists are tracked by the collector
    freeze_loaded()
    assert gc.get_freeze_count() >= before + len(kept)


def test_loading_the_scorer_freezes_what_it_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.heap
    from core.config import Settings
    from core.scoring import load_scorer

    calls: list[int] = []
    monkeypatch.setattr(core.heap, "freeze_loaded", lambda: calls.append(1))
    load_scorer(Settings(scorer="minilm-cosine", device="cpu"))
    assert calls == [1]
