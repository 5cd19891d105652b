"""Keeping the cyclic garbage collector off the loaded models.

Loading the scorer (transformers, torch) and the skill extractor (spaCy, the taxonomy) leaves
hundreds of thousands of long-lived Python objects. Every full collection of the cyclic garbage
collector walks all of them — about half a second on the reference machine — and lands inside
whatever request happens to trigger it: ``bench/bench_rerank.py`` measured re-ranking 10,000 stored
CVs in 1.1 s when it did and 0.5 s when it did not. After a load, :func:`freeze_loaded` moves every
object alive into the permanent generation (:func:`gc.freeze`), which full collections skip;
reference counting still frees those objects as before.
"""

from __future__ import annotations

import gc


def freeze_loaded() -> None:
    """Collect what is garbage now, then exempt everything still alive from later full collections."""
    gc.collect()
    gc.freeze()
