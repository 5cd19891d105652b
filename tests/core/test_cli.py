from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import main
from db import repository as repo
from db.migrate import open_database
from db.session import dispose_engines, session_scope
from tests.docfactory import make_docx, make_pdf

JD = "Registered Nurse\nProvide patient care in a hospital ward. Requirements: RN license, CPR, patient care, EHR."


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    cvs = tmp_path / "cvs"
    cvs.mkdir()
    (cvs / "nurse.pdf").write_bytes(make_pdf(["Jane Doe, Registered Nurse. Patient care, CPR, medication "
                                              "administration, EHR charting in a hospital ward for 6 years."]))
    (cvs / "welder.docx").write_bytes(make_docx(["John Roe", "Welder: MIG and TIG welding, blueprint reading."]))
    (cvs / "broken.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf")
    (cvs / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    (tmp_path / "jd.txt").write_text(JD, encoding="utf-8")
    return tmp_path


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_rank_a_folder_prints_ranking_and_errors(folder: Path, sqlite_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(["rank", "--job", str(folder / "jd.txt"), str(folder / "cvs"), "--db", sqlite_url], capsys)
    assert code == 0
    lines = out.splitlines()
    first = next(line for line in lines if line.strip().startswith("1 "))
    assert "nurse.pdf" in first
    assert "broken.pdf" in out and "photo.png" in out
    assert "2 file(s) could not be ranked" in out


def test_symbolic_links_inside_a_folder_are_reported_not_followed(folder: Path, sqlite_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    outside = folder / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("root:x:0:0:root:/root:/bin/bash", encoding="utf-8")
    (folder / "cvs" / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "cvs" / "linked_dir").symlink_to(outside, target_is_directory=True)
    code, out, _ = _run(["rank", "--job", str(folder / "jd.txt"), str(folder / "cvs"), "--db", sqlite_url, "--json"],
                        capsys)
    report = json.loads(out)
    assert code == 0 and "secret" not in out.replace("not followed", "")
    assert sorted(r["file"] for r in report["ranking"]) == ["cvs/nurse.pdf", "cvs/welder.docx"]
    reasons = {f["file"]: f["reason"] for f in report["errors"]}
    assert "not followed" in reasons["cvs/link.txt"] and "not followed" in reasons["cvs/linked_dir"]


def test_a_bad_database_is_a_clear_error_with_exit_code_2(folder: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (folder / "notes.txt").write_text("not a database " * 100, encoding="utf-8")
    for db, says in [(str(folder / "plain.db"), "is not a database URL"), ("foo://bar", "no database driver"),
                     (f"sqlite:///{folder}", "cannot open the database"),
                     (f"sqlite:///{folder / 'notes.txt'}", "cannot open the database")]:
        code, _, err = _run(["rank", "--job", str(folder / "jd.txt"), str(folder / "cvs"), "--db", db], capsys)
        assert code == 2 and says in err and "Traceback" not in err, (db, err)


def test_json_output_and_rerun_adds_no_duplicates(folder: Path, sqlite_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    args = ["rank", "--job", str(folder / "jd.txt"), str(folder / "cvs"), "--db", sqlite_url, "--json"]
    code, out, _ = _run(args, capsys)
    first = json.loads(out)
    assert code == 0 and [r["file"].rsplit("/", 1)[-1] for r in first["ranking"]] == ["nurse.pdf", "welder.docx"]
    assert {e["file"].rsplit("/", 1)[-1] for e in first["errors"]} == {"broken.pdf", "photo.png"}
    assert all(e["reason"] for e in first["errors"])
    assert first["ranking"][0]["fit_class"] in {"No Fit", "Potential Fit", "Good Fit"}

    code, out, _ = _run(args, capsys)
    second = json.loads(out)
    assert code == 0 and second["job_id"] == first["job_id"], "the same JD reuses its job"
    assert all(r["already_stored"] for r in second["ranking"])
    dispose_engines()
    with session_scope(open_database(sqlite_url)) as s:
        assert repo.count_candidates(s) == 2


def test_exit_codes_when_nothing_ranks_or_the_jd_is_unusable(folder: Path, sqlite_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(["rank", "--job", str(folder / "jd.txt"), str(folder / "cvs" / "broken.pdf"),
                         "--db", sqlite_url], capsys)
    assert code == 1 and "broken.pdf" in out
    (folder / "empty.txt").write_bytes(b"")
    code, _, err = _run(["rank", "--job", str(folder / "empty.txt"), str(folder / "cvs"), "--db", sqlite_url], capsys)
    assert code == 2 and "job description" in err
    code, _, err = _run(["rank", "--job", str(folder / "missing.txt"), str(folder / "cvs"), "--db", sqlite_url], capsys)
    assert code == 2 and "cannot read" in err


@pytest.mark.postgresql
def test_rank_into_postgresql(folder: Path, postgres_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert postgres_url.startswith("postgresql+psycopg://")
    args = ["rank", "--job", str(folder / "jd.txt"), str(folder / "cvs"), "--db", postgres_url, "--json"]
    code, out, _ = _run(args, capsys)
    first = json.loads(out)
    assert code == 0 and [r["file"].rsplit("/", 1)[-1] for r in first["ranking"]] == ["nurse.pdf", "welder.docx"]
    code, out, _ = _run(args, capsys)
    assert code == 0 and json.loads(out)["job_id"] == first["job_id"]
    dispose_engines()
    with session_scope(open_database(postgres_url)) as s:
        assert repo.count_candidates(s) == repo.count_documents(s) == 2
        (batch, _) = repo.list_batches(s, job_id=first["job_id"])
        assert (batch.ranked, batch.failed) == (2, 2)
        rows = repo.ranking(s, job_id=first["job_id"])
        assert [(r.filename.rsplit("/", 1)[-1], r.score) for r in rows] == [
            (r["file"].rsplit("/", 1)[-1], r["score"]) for r in first["ranking"]]


def test_rank_pool_ranks_the_stored_cvs_for_another_job(folder: Path, sqlite_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    welder_jd = folder / "welder_jd.txt"
    welder_jd.write_text("Welder\nMIG and TIG welding of steel frames; read blueprints.", encoding="utf-8")
    code, _, _ = _run(["rank-pool", "--job", str(welder_jd), "--db", sqlite_url], capsys)
    assert code == 1  # nothing stored yet
    assert _run(["rank", "--job", str(folder / "jd.txt"), str(folder / "cvs"), "--db", sqlite_url], capsys)[0] == 0
    code, out, _ = _run(["rank-pool", "--job", str(welder_jd), "--db", sqlite_url, "--json"], capsys)
    report = json.loads(out)
    assert code == 0 and report["stored_cvs_ranked"] == 2 and report["encoded"] == 0  # from stored vectors
    assert [r["file"].rsplit("/", 1)[-1] for r in report["ranking"]] == ["welder.docx", "nurse.pdf"]
    code, out, err = _run(["rank-pool", "--job", str(welder_jd), "--db", sqlite_url, "--top", "1"], capsys)
    assert code == 0 and "welder.docx" in out and "nurse.pdf" not in out and "1 more" in out
    assert "ranked 2 stored CV(s)" in err
    code, _, err = _run(["rank-pool", "--job", str(folder / "missing.txt"), "--db", sqlite_url], capsys)
    assert code == 2 and "cannot read" in err


def test_a_job_keeps_the_scorer_picked_for_it(folder: Path, sqlite_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    args = ["rank", "--job", str(folder / "jd.txt"), str(folder / "cvs"), "--db", sqlite_url, "--json"]
    first = json.loads(_run(args, capsys)[1])
    assert first["model"]["name"].startswith("occupation-aware")
    dispose_engines()
    with session_scope(open_database(sqlite_url)) as s:
        repo.set_job_scorer(s, job_id=first["job_id"], scorer="minilm-cosine")
    second = json.loads(_run(args, capsys)[1])
    assert second["job_id"] == first["job_id"] and second["model"]["name"].startswith("chunk-avg-cosine")
    assert second["rescored_earlier_cvs"] == 0  # both CVs were in this upload again
