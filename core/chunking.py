"""Cut text into model-sized token chunks with overlap, never inside a word.

A chunk is a run of the tokenizer's content tokens (no special tokens); the encoder adds the
special tokens back. Boundaries move back to the start of a word so no word is split across
chunks (a single word longer than a chunk is the one exception, cut hard so we always progress).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    """One chunk: its token ids and the character span of the source text it covers."""

    token_ids: tuple[int, ...]
    start: int
    end: int


def content_budget(tokenizer: object, max_tokens: int) -> int:
    """Tokens left for content once the model's special tokens are added."""
    budget = max_tokens - int(tokenizer.num_special_tokens_to_add(pair=False))
    if budget < 1:
        raise ValueError(f"max_tokens={max_tokens} leaves no room for content")
    return budget


def chunk_text(text: str, tokenizer: object, *, max_tokens: int, overlap: int) -> list[Chunk]:
    """Split ``text`` into chunks of at most ``max_tokens`` tokens (special tokens included).

    Consecutive chunks share about ``overlap`` tokens, so a requirement cut at a chunk boundary
    still appears whole in one of them. Empty or whitespace-only text gives no chunk.

    Example:
        >>> chunk_text("", tok, max_tokens=256, overlap=32)
        []
    """
    if not text or not text.strip():
        return []
    budget = content_budget(tokenizer, max_tokens)
    overlap = max(0, min(overlap, budget // 2))
    # verbose=False: long CVs are expected here; the "longer than the maximum" warning is noise.
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    ids: list[int] = encoding["input_ids"]
    offsets: list[tuple[int, int]] = encoding["offset_mapping"]
    if not ids:
        return []
    word_ids = encoding.word_ids()
    n = len(ids)

    def word_start(position: int, floor: int) -> int:
        """Move ``position`` back to the first token of its word, but not to or below ``floor``."""
        back = position
        while back > floor and word_ids[back] is not None and word_ids[back] == word_ids[back - 1]:
            back -= 1
        return back if back > floor else position

    chunks: list[Chunk] = []
    start = 0
    while start < n:
        end = min(start + budget, n)
        if end < n:
            end = word_start(end, start)
        chunks.append(Chunk(tuple(ids[start:end]), offsets[start][0], offsets[end - 1][1]))
        if end >= n:
            break
        next_start = word_start(max(end - overlap, start + 1), start)
        start = next_start if next_start > start else end
    return chunks
