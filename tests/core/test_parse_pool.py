"""parse_many's workers: a per-file time limit, crashes and memory exhaustion fail one file only."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from core.config import ParseLimits
from core.documents import Document, ParseFailure, parse_many
from core.documents.parse import _INTERNAL, _parse_one
from tests.docfactory import make_pdf, sample_cv_text

LIMIT_S = 2.0


def misbehaving_parse(data: bytes, filename: str, limits: ParseLimits) -> Document | ParseFailure:
    """What a worker runs in these tests: some file names misbehave, the rest parse normally."""
    if filename == "slow.txt":
        time.sleep(3600)
    if filename == "crash.txt":
        os._exit(1)
    if filename == "memory.txt":
        raise MemoryError
    if filename == "hog.txt":
        hog = bytearray(1024 * 1024 * 1024)  # 1 GiB: over a 512 MiB worker
        return ParseFailure(filename, f"allocated {len(hog)}")
    if filename == "child.txt":  # a stuck Tesseract, say: a child process that outlives its time
        child = subprocess.Popen(["sleep", "3600"])
        Path(data.decode()).write_text(str(child.pid))
        child.wait()
    if filename == "env.txt":
        return ParseFailure(filename, f"OMP_THREAD_LIMIT={os.environ.get('OMP_THREAD_LIMIT')}")
    return _parse_one(data, filename, limits)


def cv(i: int) -> tuple[bytes, str]:
    return f"Candidate {i}\nSkills: Python, SQL\n".encode(), f"cv{i}.txt"


def assert_no_worker_left() -> None:
    """No worker (nor a Tesseract it started) is alive: only multiprocessing's own helpers remain."""
    assert multiprocessing.active_children() == []
    helpers = [p for p in psutil.Process().children() if "multiprocessing" in " ".join(p.cmdline())]
    left = [child for helper in helpers for child in helper.children(recursive=True) if child.status() != "zombie"]
    others = [p for p in psutil.Process().children() if p not in helpers]
    assert left == [] and others == [], (left, others)


def test_a_slow_file_times_out_a_crash_fails_alone_and_the_rest_parse_in_order() -> None:
    items = [cv(0), (b"x", "slow.txt"), cv(1), cv(2), (b"x", "crash.txt"), cv(3), cv(4), cv(5)]

    started = time.monotonic()
    results = parse_many(items, workers=2, limits=ParseLimits(parse_timeout_s=LIMIT_S), parse_one=misbehaving_parse)
    elapsed = time.monotonic() - started

    assert [r.filename for r in results] == [name for _, name in items]
    slow, crash = results[1], results[4]
    assert isinstance(slow, ParseFailure) and slow.reason == (
        "the file took longer than 2 s to read; ask for a simpler copy"
    )
    assert isinstance(crash, ParseFailure) and crash.reason == _INTERNAL
    docs = [r for i, r in enumerate(results) if i not in (1, 4)]
    assert all(isinstance(d, Document) for d in docs), docs
    assert [d.text.splitlines()[0] for d in docs] == [f"Candidate {i}" for i in range(6)]
    assert elapsed < LIMIT_S + 15, elapsed  # not a batch deadline, and no wait for the sleeper
    assert_no_worker_left()


def test_every_file_gets_its_own_time() -> None:
    # three slow files in a row with two workers: each is killed after its own 2 s, none waits for the others
    items = [(b"x", "slow.txt"), (b"x", "slow.txt"), (b"x", "slow.txt"), cv(0), cv(1)]
    started = time.monotonic()
    results = parse_many(items, workers=2, limits=ParseLimits(parse_timeout_s=LIMIT_S), parse_one=misbehaving_parse)
    elapsed = time.monotonic() - started

    assert [type(r) for r in results] == [ParseFailure] * 3 + [Document] * 2
    assert all("longer than 2 s" in r.reason for r in results[:3])
    assert 2 * LIMIT_S <= elapsed < 2 * LIMIT_S + 15, elapsed
    assert_no_worker_left()


def test_a_killed_worker_takes_its_child_processes_with_it(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    items = [(str(pid_file).encode(), "child.txt"), cv(0), cv(1), cv(2)]
    results = parse_many(items, workers=2, limits=ParseLimits(parse_timeout_s=LIMIT_S), parse_one=misbehaving_parse)

    assert "longer than 2 s" in results[0].reason
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert_no_worker_left()


def test_running_out_of_memory_fails_that_file_only() -> None:
    items = [cv(0), (b"x", "memory.txt"), (b"x", "hog.txt"), cv(1), cv(2)]
    limits = ParseLimits(worker_memory_mb=512, parse_timeout_s=30)

    results = parse_many(items, workers=2, limits=limits, parse_one=misbehaving_parse)

    assert [type(r) for r in results] == [Document, ParseFailure, ParseFailure, Document, Document]
    for failure in results[1:3]:
        assert failure.reason == (
            "the file needs more than 512 MB of memory to read; ask for a simpler copy (e.g. without photos)"
        )
    assert_no_worker_left()


def test_no_memory_limit_when_set_to_zero() -> None:
    items = [(b"x", "hog.txt"), cv(0), cv(1), cv(2)]
    results = parse_many(items, workers=2, limits=ParseLimits(worker_memory_mb=0), parse_one=misbehaving_parse)
    assert results[0].reason == f"allocated {1024 ** 3}"


def test_workers_run_tesseract_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    items = [(b"x", "env.txt"), cv(0), cv(1), cv(2)]
    results = parse_many(items, workers=2, parse_one=misbehaving_parse)
    assert results[0].reason == "OMP_THREAD_LIMIT=1"
    assert "OMP_THREAD_LIMIT" not in os.environ  # this process is left as it was


def test_real_pdfs_parse_under_the_default_memory_limit() -> None:
    items = [(make_pdf([sample_cv_text(f"Person {i} Example"), "Second page."]), f"cv{i}.pdf") for i in range(4)]
    results = parse_many(items, workers=2)
    assert all(isinstance(r, Document) and r.text.startswith(f"Person {i} Example") for i, r in enumerate(results))
    assert_no_worker_left()
