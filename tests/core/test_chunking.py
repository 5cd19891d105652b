from __future__ import annotations

import pytest

from core.chunking import chunk_text, content_budget


def _words(tokenizer, chunk) -> str:  # type: ignore[no-untyped-def]
    return tokenizer.decode(list(chunk.token_ids))


def test_empty_and_blank_text_give_no_chunk(encoder) -> None:
    assert chunk_text("", encoder.tokenizer, max_tokens=64, overlap=8) == []
    assert chunk_text(" \n\t ", encoder.tokenizer, max_tokens=64, overlap=8) == []


def test_one_token_is_one_chunk_with_its_span(encoder) -> None:
    chunks = chunk_text("python", encoder.tokenizer, max_tokens=64, overlap=8)
    assert len(chunks) == 1
    assert (chunks[0].start, chunks[0].end) == (0, 6)


def test_text_of_exactly_one_chunk_is_not_split(encoder) -> None:
    tok = encoder.tokenizer
    budget = content_budget(tok, 64)
    text = " ".join(["data"] * budget)  # "data" is one token
    chunks = chunk_text(text, tok, max_tokens=64, overlap=8)
    assert len(chunks) == 1 and len(chunks[0].token_ids) == budget
    assert len(chunk_text(text + " data", tok, max_tokens=64, overlap=8)) == 2


def test_many_chunks_cover_everything_respect_the_limit_and_overlap(encoder) -> None:
    tok = encoder.tokenizer
    text = " ".join(f"skill{i} experience" for i in range(400))
    chunks = chunk_text(text, tok, max_tokens=64, overlap=8)
    assert len(chunks) > 10
    budget = content_budget(tok, 64)
    assert all(1 <= len(c.token_ids) <= budget for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert after.start < before.end, "consecutive chunks overlap"
        assert after.start > before.start, "chunking always moves forward"


def test_chunks_never_split_a_word(encoder) -> None:
    tok = encoder.tokenizer
    # Long words made of several word pieces, so a naive cut would land inside one.
    text = " ".join(["internationalization unbelievably counterproductive"] * 60)
    for chunk in chunk_text(text, tok, max_tokens=32, overlap=4):
        piece = text[chunk.start : chunk.end]
        assert piece == piece.strip()
        assert chunk.start == 0 or text[chunk.start - 1] == " "
        assert chunk.end == len(text) or text[chunk.end] == " "


def test_a_word_longer_than_a_chunk_is_cut_rather_than_looping(encoder) -> None:
    text = "x" * 2000
    chunks = chunk_text(text, encoder.tokenizer, max_tokens=16, overlap=4)
    assert chunks and chunks[-1].end == len(text)


def test_max_tokens_without_room_for_content_is_refused(encoder) -> None:
    with pytest.raises(ValueError, match="no room"):
        chunk_text("hello", encoder.tokenizer, max_tokens=2, overlap=0)
