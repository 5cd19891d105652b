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


def test_jobs_page_creates_a_job_and_lists_it() -> None:
    at = _new_app()
    assert at.title[0].value == "Jobs"
    assert any("No job yet" in i.value for i in at.info)
    _create_job(at)
    assert "created" in at.success[0].value
    listing = at.dataframe[0].value
    assert list(listing["Title"]) == ["Accountant"]
    assert any("QuickBooks" in t.value for t in at.text)


def test_an_empty_description_shows_an_error() -> None:
    at = _new_app()
    at.button[0].click().run()
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
    assert "1 file(s) of the last batch could not be ranked" in at.warning[0].value
    ranking, failures = at.dataframe[0].value, at.dataframe[1].value
    assert list(failures["File"]) == ["broken.pdf"] and "damaged" in failures["Reason"][0]
    assert list(ranking["File"]) == ["maria.pdf", "chef.txt"]
    assert "QuickBooks" in ranking["Matched skills"][0]
    assert at.get("download_button")

    # A fresh session (a "restart" of the browser tab) finds the ranking in the database.
    again = _new_app()
    again.switch_page("../pages/rank.py").run()
    assert list(again.dataframe[0].value["File"]) == ["maria.pdf", "chef.txt"]


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
    at.checkbox(key="jobs_page_confirm_delete").check().run()
    at.button(key="jobs_page_delete").click().run()
    assert not at.exception, at.exception
    assert any("No job yet" in i.value for i in at.info)
    at.button(key="jobs_page_restore").click().run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["Title"]) == ["Accountant"]


@pytest.mark.slow
def test_candidate_page_removes_restores_and_forgets_a_candidate() -> None:
    at = _new_app()
    _create_job(at)
    at.switch_page("../pages/rank.py").run()
    at.file_uploader[0].set_value([("ana.txt", b"Ana: accountant, QuickBooks, GAAP.", "text/plain"),
                                   ("bo.txt", b"Bo: bookkeeping, Excel, payroll.", "text/plain")])
    at.run()
    at.button[0].click().run()
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
