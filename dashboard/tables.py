"""Tables shown and exported by the pages: built from repository rows, safe to export."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from db.repository import RankingRow

# A cell starting with one of these is run as a formula by Excel/LibreOffice (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def decision_label(status: str) -> str:
    """How a decision reads in a table: "Shortlisted", "On hold", "Rejected", or blank when undecided."""
    return "" if status in ("", "undecided") else status.capitalize()


def skills_cell(skills: Sequence[str], top: int | None) -> str:
    """Skills as one cell: the first ``top`` and how many more (all of them with ``top`` None)."""
    shown = list(skills if top is None else skills[:top])
    more = len(skills) - len(shown)
    return ", ".join(shown) + (f" … (+{more} more)" if more else "")


def ranking_frame(rows: Sequence[RankingRow], *, top_skills: int | None = 5, notes: bool = False) -> pd.DataFrame:
    """One row per candidate, best first, with the columns a recruiter scans (``notes``: and the
    decision notes, for the CSV export, which passes ``top_skills=None``: every skill)."""
    columns = {
        "Rank": [r.rank for r in rows],
        "Candidate": [r.candidate_name for r in rows],
        "File": [r.filename for r in rows],
        "Text from": ["OCR scan" if r.ocr else "" for r in rows],
        "Score": [round(r.score, 1) for r in rows],
        "Fit": [r.fit_class for r in rows],
        "Decision": [decision_label(r.decision) for r in rows],
        "Matched skills": [skills_cell(r.matched_skills, top_skills) for r in rows],
        "Missing skills": [skills_cell(r.missing_skills, top_skills) for r in rows],
    }
    if notes:
        columns["Decision note"] = [r.decision_note for r in rows]
    return pd.DataFrame(columns)


def neutralise_formula(value: object) -> object:
    """Prefix text that a spreadsheet would evaluate, so a CV cannot plant a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for download, UTF-8 with BOM so Excel reads accents, formulas neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    safe.columns = [neutralise_formula(c) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


OCCUPATION_UNSURE = 0.5
"""Below this probability for its first category, the Rank page says the model is unsure of the job."""


def occupation_reading(occupations: list[tuple[str, float]]) -> str:
    """What the occupation-aware model takes the job to be, for the Rank page (category names are ours)."""
    if not occupations:
        return ""
    shown = [o for i, o in enumerate(occupations) if i == 0 or o[1] >= 0.01]  # no "Banking 0%"
    parts = " · ".join(f"{name.replace('-', ' ').title()} {100 * p:.0f}%" for name, p in shown)
    text = f"The model reads this job as: {parts}."
    if occupations[0][1] < OCCUPATION_UNSURE:
        text += (" It is unsure: if the job's occupation is not among these (the model knows 23 job-board "
                 "categories), its ranking leans on a wrong guess — the untrained scorer ranks such jobs "
                 "better: pick minilm-cosine as this job's scorer above.")
    return text
