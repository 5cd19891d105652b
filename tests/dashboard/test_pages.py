"""The Jobs and Rank pages driven through Streamlit's AppTest, on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.docfactory import make_pdf

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
TIMEOUT = 120  # the first run loads the encoder and spaCy
JD = ("Accountant\nWe need an accountant for bookkeeping, accounts payable, bank reconciliation and the "
      "monthly close in QuickBooks and Excel. GAAP knowledge required.")


def _new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def _create_job(at: AppTest) -> None:
    at.text_area(key="new_job_text").input(JD)
    at.button[0].click().run()
    assert not at.exception, at.exception


def _rank(at: AppTest, files: list[tuple[str, bytes, str]]) -> None:
    """Create the job, upload ``files`` on the Rank page and rank them."""
    _create_job(at)
    at.switch_page("../pages/rank.py").run()
    at.file_uploader[0].set_value(files)
    at.run()
    at.button[0].click().run()
    assert not at.exception, at.exception


def test_jobs_page_creates_a_job_and_lists_it() -> None:
    at = _new_app()
    assert at.title[0].value == "Jobs"
    assert any("No job yet" in i.value for i in at.info)
    _create_job(at)
    assert "created" in at.success[0].value
    listing = at.dataframe[0].value
    assert list(listing["Title"]) == ["Accountant"]
    assert any("QuickBooks" in t.value for t in at.text)


def test_an_empty_description_shows_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import resources

    at = _new_app()

    def not_needed():  # type: ignore[no-untyped-def]
        raise AssertionError("the skills model was loaded for an empty description")

    monkeypatch.setattr(resources, "skill_extractor", not_needed)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.error and "empty" in at.error[0].value


@pytest.mark.slow
def test_rank_page_uploads_ranks_and_shows_errors_and_reloads() -> None:
    at = _new_app()
    _create_job(at)
    at.switch_page("../pages/rank.py").run()
    assert at.title[0].value == "Rank CVs"
    good = make_pdf(["Maria Lopez, Staff Accountant. Bookkeeping, accounts payable, bank reconciliation, "
                     "month-end close, QuickBooks, Excel, GAAP."])
    at.file_uploader[0].set_value([
        ("maria.pdf", good, "application/pdf"),
        ("chef.txt", b"Pastry chef: croissants, chocolate, kitchen team lead.", "text/plain"),
        ("broken.pdf", b"%PDF-1.4 not really", "application/pdf"),
    ])
    at.run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Ranked 2 CV(s)" in at.success[0].value
    rank_button = next(b for b in at.button if b.label == "Rank these CVs")
    assert rank_button.disabled and not at.file_uploader[0].value  # an empty uploader for the next batch
    assert "1 file(s) of the last batch could not be ranked" in at.warning[0].value
    ranking, failures = at.dataframe[0].value, at.dataframe[1].value
    assert list(failures["File"]) == ["broken.pdf"] and "damaged" in failures["Reason"][0]
    assert list(ranking["File"]) == ["maria.pdf", "chef.txt"]
    assert "QuickBooks" in ranking["Matched skills"][0]
    assert at.get("download_button")
    # The default (occupation-aware) scorer says which occupation it takes the job to be.
    assert any(c.value.startswith("The model reads this job as: Accountant") for c in at.caption)

    # A fresh session (a "restart" of the browser tab) finds the ranking in the database.
    again = _new_app()
    again.switch_page("../pages/rank.py").run()
    assert list(again.dataframe[0].value["File"]) == ["maria.pdf", "chef.txt"]


@pytest.mark.slow
def test_a_stored_ranking_stays_readable_when_the_scorer_cannot_load(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    from core.config import get_settings

    at = _new_app()
    _rank(at, [("ana.txt", b"Staff accountant: QuickBooks, GAAP, month-end close.", "text/plain")])
    monkeypatch.setenv("RECRUIT_SCORER", str(tmp_path / "no-such-model"))  # e.g. a model folder removed
    get_settings.cache_clear()
    again = _new_app()
    again.switch_page("../pages/rank.py").run()
    assert not again.exception, again.exception
    assert list(again.dataframe[0].value["File"]) == ["ana.txt"]
    assert not any(c.value.startswith("The model reads this job as") for c in again.caption)


@pytest.mark.slow
def test_a_ranking_by_an_earlier_model_is_rescored_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import get_settings

    at = _new_app()
    _rank(at, [("ana.txt", b"Staff accountant: QuickBooks, GAAP, month-end close.", "text/plain"),
          ("bo.txt", b"Pastry chef: croissants, chocolate, kitchen team lead.", "text/plain")])
    assert not any("another model" in i.value for i in at.info)
    monkeypatch.setenv("RECRUIT_SCORER", "minilm-cosine")  # the app now runs another model
    get_settings.cache_clear()
    again = _new_app()
    again.switch_page("../pages/rank.py").run()
    assert not again.exception, again.exception
    assert list(again.dataframe[0].value["File"]) == ["ana.txt", "bo.txt"]  # still readable as it was scored
    assert any("scored by another model" in i.value for i in again.info)
    again.button(key="rescore_earlier").click().run()
    assert not again.exception, again.exception
    assert sorted(again.dataframe[0].value["File"]) == ["ana.txt", "bo.txt"]
    assert any(c.value.startswith("Scored by chunk-avg-cosine") for c in again.caption)
    assert not any("another model" in i.value for i in again.info)


@pytest.mark.slow
def test_a_job_can_be_ranked_with_its_own_scorer() -> None:
    at = _new_app()
    _rank(at, [("ana.txt", b"Staff accountant: QuickBooks, GAAP, month-end close.", "text/plain")])
    assert any(c.value.startswith("Scored by occupation-aware") for c in at.caption)
    at.selectbox(key="rank_page_scorer_1").set_value("minilm-cosine").run()  # e.g. an occupation it does not know
    assert not at.exception, at.exception
    assert any("this job is now ranked with chunk-avg-cosine" in i.value for i in at.info)
    at.button(key="rescore_earlier").click().run()
    assert any(c.value.startswith("Scored by chunk-avg-cosine") for c in at.caption)
    at.file_uploader[0].set_value([("bo.txt", b"Bookkeeper: payroll, Excel, invoices.", "text/plain")])
    at.run()
    at.button[0].click().run()  # the next upload uses the job's scorer: one ranking, both CVs
    assert not at.exception, at.exception
    assert sorted(at.dataframe[0].value["File"]) == ["ana.txt", "bo.txt"]
    assert any(c.value.startswith("Scored by chunk-avg-cosine") for c in at.caption)
    again = _new_app()  # the choice is stored with the job
    again.switch_page("../pages/rank.py").run()
    assert again.selectbox(key="rank_page_scorer_1").value == "minilm-cosine"


@pytest.mark.slow
def test_a_new_job_ranks_the_cvs_stored_for_other_jobs_on_request() -> None:
    at = _new_app()
    _rank(at, [("ana.txt", b"Staff accountant: QuickBooks, GAAP, month-end close.", "text/plain"),
               ("bo.txt", b"Pastry chef: croissants, chocolate, kitchen team lead.", "text/plain")])
    assert "rank_stored_pool" not in [b.key for b in at.button]  # one job: every stored CV is ranked for it
    at.switch_page("../pages/jobs.py").run()
    at.text_area(key="new_job_text").input("Pastry Chef\nWe need a pastry chef: croissants, chocolate, ovens.")
    at.button[0].click().run()
    at.switch_page("../pages/rank.py").run()
    at.selectbox(key="rank_page_job").set_value(2).run()  # the chef's job
    assert not at.exception, at.exception
    assert any("2 CV(s) stored for other jobs" in c.value for c in at.caption)
    at.button(key="rank_stored_pool").click().run()
    assert not at.exception, at.exception
    assert "Ranked 2 stored CV(s)" in at.success[0].value
    assert list(at.dataframe[0].value["File"]) == ["bo.txt", "ana.txt"]  # the chef first for a chef's job
    assert "rank_stored_pool" not in [b.key for b in at.button]  # nothing left to add
    at.switch_page("../pages/jobs.py").run()
    jobs = next(d.value for d in at.dataframe if "CVs ranked" in d.value.columns)
    # The chef's job ranked the stored pool, not an upload: its CVs count all the same.
    assert dict(zip(jobs["Job"], zip(jobs["CVs ranked"], jobs["Upload batches"], strict=True), strict=True)) == {
        2: (2, 0), 1: (2, 1)}


@pytest.mark.slow
def test_candidate_page_shows_coverage_evidence_and_inert_highlights() -> None:
    at = _new_app()
    _create_job(at)
    at.switch_page("../pages/candidate.py").run()
    assert not at.exception, at.exception
    assert any("No CV ranked" in i.value for i in at.info)
    at.switch_page("../pages/rank.py").run()
    cv = (b"Staff Accountant <script>alert('x')</script>\nSKILLS\nQuickBooks (4 years), Excel, bookkeeping, "
          b"accounts payable\nEXPERIENCE\nStaff Accountant, Acme  Jan 2019 - Dec 2022\n"
          b"Did bank reconciliation and the monthly close in QuickBooks.")
    at.file_uploader[0].set_value([("ana.txt", cv, "text/plain")])
    at.run()
    at.button[0].click().run()
    assert not at.exception, at.exception

    at.switch_page("../pages/candidate.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Candidate"
    assert at.metric[0].value == "1 of 1"
    table = next(d.value for d in at.dataframe if "Job skill" in d.value.columns)
    roles = next(d.value for d in at.dataframe if "Role" in d.value.columns)
    metrics = {m.label: m.value for m in at.metric}
    assert list(roles["Role"]) == ["Staff Accountant"] and metrics["Current title"] == "Staff Accountant"
    assert metrics["Experience"] == "4 years"  # Jan 2019 – Dec 2022, both months counted
    quickbooks = table[table["Job skill"] == "QuickBooks"].iloc[0]
    assert quickbooks["In this CV"] == "in the CV" and quickbooks["Years (CV)"] == 4.0
    assert quickbooks["Last used"] == 2022
    assert "QuickBooks (4 years)" in quickbooks["CV evidence"]
    assert "GAAP" in set(table["Job skill"]) and table[table["Job skill"] == "GAAP"].iloc[0]["Level"] == "required"
    page_html = " ".join(h.proto.body for h in at.get("html"))
    assert "&lt;script&gt;" in page_html and "<script>" not in page_html
    assert 'QuickBooks · matched' in page_html


def test_jobs_page_deletes_a_job_after_confirmation_and_restores_it() -> None:
    at = _new_app()
    _create_job(at)
    assert at.button(key="jobs_page_delete").disabled
    at.checkbox(key="jobs_page_confirm_delete_1").check().run()
    at.button(key="jobs_page_delete").click().run()
    assert not at.exception, at.exception
    assert any("No job yet" in i.value for i in at.info)
    at.button(key="jobs_page_restore").click().run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["Title"]) == ["Accountant"]


def test_a_created_job_is_selected_and_its_form_emptied_and_a_delete_tick_stays_with_its_job() -> None:
    at = _new_app()
    _create_job(at)
    at.text_input(key="new_job_title").input("Line Cook")
    at.text_area(key="new_job_text").input("We need a line cook: grill, prep, food safety.")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Job #2 created" in at.success[0].value
    # The selector kept job #1 (its own state) and the next upload went to the wrong job.
    assert at.selectbox(key="jobs_page_select").value == 2 and at.query_params["job"] == "2"
    assert at.text_area(key="new_job_text").value == "" and at.text_input(key="new_job_title").value == ""
    at.button[0].click().run()  # a second click on the emptied form makes no second job
    assert "The job was not created" in at.error[0].value
    assert len(next(d.value for d in at.dataframe if "Title" in d.value.columns)) == 2
    at.switch_page("../pages/rank.py").run()
    assert at.selectbox(key="rank_page_job").value == 2
    at.switch_page("../pages/jobs.py").run()
    at.checkbox(key="jobs_page_confirm_delete_2").check().run()
    at.button(key="jobs_page_delete").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="jobs_page_select").value == 1
    assert not at.checkbox(key="jobs_page_confirm_delete_1").value  # job #1 was never confirmed
    assert at.button(key="jobs_page_delete").disabled


def test_a_reload_keeps_the_job_from_the_url_and_a_pasted_text_with_a_file_is_refused() -> None:
    at = _new_app()
    _create_job(at)
    at.text_area(key="new_job_text").input("Line Cook\nGrill and prep.")
    at.button[0].click().run()
    reloaded = AppTest.from_file(APP, default_timeout=TIMEOUT)  # a new browser session on ?job=1
    reloaded.query_params["job"] = "1"
    reloaded.switch_page("../pages/rank.py").run()
    assert not reloaded.exception, reloaded.exception
    assert reloaded.selectbox(key="rank_page_job").value == 1
    at.text_area(key="new_job_text").input("Pastry chef: croissants.")
    at.file_uploader[0].set_value([("jd.txt", b"Baker: bread and ovens.", "text/plain")])
    at.run()
    at.button[0].click().run()
    assert "a pasted description and an uploaded file" in at.error[0].value
    assert at.text_area(key="new_job_text").value == "Pastry chef: croissants."  # nothing typed is lost
    at.text_area(key="new_job_text").input("")
    at.file_uploader[0].set_value([("jd.pdf", b"%PDF-1.4 not really", "application/pdf")])
    at.run()
    at.button[0].click().run()
    message = at.error[0].value
    assert "damaged" in message and "get a new copy" in message and "candidate" not in message  # a JD, not a CV


@pytest.mark.slow
def test_candidate_page_removes_restores_and_forgets_a_candidate() -> None:
    at = _new_app()
    _rank(at, [("ana.txt", b"Ana: accountant, QuickBooks, GAAP.", "text/plain"),
          ("bo.txt", b"Bo: bookkeeping, Excel, payroll.", "text/plain")])
    at.switch_page("../pages/candidate.py").run()
    assert at.metric[0].value == "1 of 2"
    at.checkbox(key="candidate_page_confirm_remove").check().run()
    at.button(key="candidate_page_remove").click().run()
    assert not at.exception, at.exception
    assert at.metric[0].value == "1 of 1"
    at.button(key="candidate_page_restore").click().run()
    assert at.metric[0].value.endswith("of 2")  # back in the ranking (the selection stays where it was)
    assert at.button(key="candidate_page_forget").disabled
    at.text_input(key="candidate_page_forget_text").input("FORGET").run()
    at.button(key="candidate_page_forget").click().run()
    assert not at.exception, at.exception
    assert "Candidate erased: 1 documents" in at.success[0].value
    assert at.metric[0].value == "1 of 1"


def _stored_ranking(*, ocr: bool) -> tuple[int, int]:
    """A job and one ranked CV stored straight into the app's database (no model run); (job, candidate)."""
    from core.config import get_settings
    from db import repository as repo
    from db.migrate import open_database
    from db.session import session_scope

    engine = open_database(get_settings().resolved_database_url)
    with session_scope(engine) as session:
        job = repo.create_job(session, title="Accountant", description=JD, skills=["QuickBooks", "GAAP"])
        doc, _ = repo.add_document(session, new=repo.NewDocument(
            content_hash="a" * 64, filename="scan.png", file_type="image", text="Ana Ruiz\nQuickBooks, GAAP",
            pages=1, candidate_name="Ana Ruiz", ocr=ocr, skill_hits=[("QuickBooks", "software", 9, 19)]))
        repo.upsert_score(session, job_id=job.id, document_id=doc.id, batch_id=None, model_name="m",
                          model_version="1", score=61.5, fit_class="Good Fit", pair_matrix=[[0.6]],
                          matched_skills=["QuickBooks"], missing_skills=["GAAP"])
        return job.id, doc.candidate_id


@pytest.mark.slow
def test_candidate_page_saves_a_decision_refuses_a_stale_one_and_keeps_the_text() -> None:
    from core.config import get_settings
    from db import repository as repo
    from db.migrate import open_database
    from db.session import session_scope

    job_id, candidate_id = _stored_ranking(ocr=True)
    at = _new_app()
    at.switch_page("../pages/candidate.py").run()
    assert not at.exception, at.exception
    assert any("recognised by OCR" in i.value for i in at.info)
    base = f"decision_{job_id}_{candidate_id}"
    assert at.selectbox(key=f"{base}_status").value == "undecided"
    assert any(t.value == "No decision yet for this job." for t in at.text)
    at.selectbox(key=f"{base}_status").set_value("shortlisted")
    at.text_area(key=f"{base}_note").input("=HYPERLINK(\"x\") <b>call</b> Monday")
    at.text_input(key="decision_decided_by").input("Dana")
    at.button(key=f"{base}_save").click().run()
    assert not at.exception, at.exception
    assert "Decision saved: Shortlisted" in at.success[0].value
    assert any(t.value.startswith("Last changed") and "by Dana: Shortlisted" in t.value for t in at.text)
    history = next(d.value for d in at.dataframe if "Note" in d.value.columns)
    assert list(history["Note"]) == ["=HYPERLINK(\"x\") <b>call</b> Monday"]  # inert dataframe cell

    # Someone else saves meanwhile; this recruiter's save is refused, their text stays in the box.
    engine = open_database(get_settings().resolved_database_url)
    with session_scope(engine) as session:
        repo.set_decision(session, job_id=job_id, candidate_id=candidate_id, status="rejected", note="no",
                          decided_by="Lee")
    at.text_area(key=f"{base}_note").input("my longer note")
    at.button(key=f"{base}_save").click().run()
    assert not at.exception, at.exception
    assert any("someone else changed this decision; reload to see it" in e.value for e in at.error)
    assert at.text_area(key=f"{base}_note").value == "my longer note"
    assert any("Saved meanwhile (version 2): Rejected by Lee" in t.value for t in at.text)
    with session_scope(engine) as session:
        stored = repo.get_decision(session, job_id=job_id, candidate_id=candidate_id)
        assert stored is not None and (stored.status, stored.note, stored.version) == ("rejected", "no", 2)
    at.button(key=f"{base}_reload").click().run()
    assert at.selectbox(key=f"{base}_status").value == "rejected" and at.text_area(key=f"{base}_note").value == "no"

    at.switch_page("../pages/rank.py").run()
    assert not at.exception, at.exception
    ranking = at.dataframe[0].value
    assert list(ranking["Decision"]) == ["Rejected"] and list(ranking["Text from"]) == ["OCR scan"]


@pytest.mark.slow
def test_a_decision_and_a_draft_survive_leaving_the_candidate_page() -> None:
    job_id, candidate_id = _stored_ranking(ocr=False)
    at = _new_app()
    at.switch_page("../pages/candidate.py").run()
    base = f"decision_{job_id}_{candidate_id}"
    at.selectbox(key=f"{base}_status").set_value("on hold")
    at.text_area(key=f"{base}_note").input("call after the holidays")
    at.text_input(key="decision_decided_by").input("Dana")
    at.button(key=f"{base}_save").click().run()
    assert "Decision saved: On hold" in at.success[0].value

    def form() -> tuple[str, str, str]:
        return (at.selectbox(key=f"{base}_status").value, at.text_area(key=f"{base}_note").value,
                at.text_input(key="decision_decided_by").value)

    # Leaving the page dropped the widgets' state; coming back showed "Undecided" and no note over
    # the stored decision, and Save then overwrote it.
    at.switch_page("../pages/rank.py").run()
    at.switch_page("../pages/candidate.py").run()
    assert not at.exception, at.exception
    assert form() == ("on hold", "call after the holidays", "Dana")
    at.text_area(key=f"{base}_note").input("unsaved second thought")  # a draft, not saved
    at.switch_page("../pages/jobs.py").run()
    at.switch_page("../pages/candidate.py").run()
    assert form() == ("on hold", "unsaved second thought", "Dana")  # the draft is still there
    assert any("Not saved yet" in c.value for c in at.caption)
    at.button(key=f"{base}_reload").click().run()
    assert form()[:2] == ("on hold", "call after the holidays")  # Reload shows what is stored


def test_the_ranking_export_has_decisions_and_notes_with_formulas_neutralised() -> None:
    import dataclasses
    import io
    from datetime import UTC, datetime

    import pandas as pd

    from dashboard.tables import ranking_frame, to_csv_bytes
    from db.repository import RankingRow

    def row(rank: int, decision: str, note: str, ocr: bool) -> RankingRow:
        return RankingRow(rank=rank, candidate_id=rank, candidate_name=f"C{rank}", document_id=rank,
                          filename=f"c{rank}.pdf", score=50.0, fit_class="Good Fit", matched_skills=[],
                          missing_skills=[], model_name="m", model_version="1", batch_id=None,
                          scored_at=datetime.now(UTC), decision=decision, decision_note=note, ocr=ocr)

    rows = [row(1, "on hold", "=cmd|' /C calc'!A0", True), row(2, "undecided", "", False)]
    shown = ranking_frame(rows)
    assert list(shown["Decision"]) == ["On hold", ""] and list(shown["Text from"]) == ["OCR scan", ""]
    assert "Decision note" not in shown.columns
    csv = to_csv_bytes(ranking_frame(rows, notes=True)).decode("utf-8-sig")
    assert "Decision,Matched skills,Missing skills,Decision note" in csv
    assert "'=cmd|' /C calc'!A0" in csv and "\n=cmd" not in csv and ",=cmd" not in csv
    seven = [f"S{i}" for i in range(7)]
    rows[0] = dataclasses.replace(rows[0], missing_skills=seven)
    assert ranking_frame(rows)["Missing skills"][0] == "S0, S1, S2, S3, S4 … (+2 more)"  # on screen: says more
    exported = pd.read_csv(io.BytesIO(to_csv_bytes(ranking_frame(rows, top_skills=None, notes=True))), encoding="utf-8-sig")
    assert exported["Missing skills"][0] == ", ".join(seven)  # the export has every skill


def test_every_page_has_its_own_url_and_the_root_opens_jobs() -> None:
    from dashboard import navigation

    at = _new_app()
    assert at.title[0].value == "Jobs"  # "/" switches to the Jobs page
    pages = [p for section in navigation.SECTIONS.values() for p in section]
    assert navigation.JOBS in pages and not navigation.JOBS._default
    assert [p.url_path for p in (navigation.JOBS, navigation.RANK, navigation.CANDIDATE)] == ["jobs", "rank",
                                                                                                "candidate"]
    assert navigation.START._default and navigation.START.visibility == "hidden"
