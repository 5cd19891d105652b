"""Plotly charts of skill coverage: one candidate against a job, and a whole batch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import plotly.graph_objects as go

from core.skill_analysis import Coverage, JobSkill

COLOURS = {"matched": "#2d9d5a", "partial": "#e0a800", "missing": "#d9534f", "job": "#8da2c0"}


def coverage_by_category(job_skills: Sequence[JobSkill], coverage: Coverage) -> go.Figure:
    """Per taxonomy category: how many skills the job asks for, and how many the CV covers."""
    matched = {s.casefold() for s in coverage.matched}
    partial = {p.jd_skill.casefold() for p in coverage.partial}
    categories = sorted({j.category or "other" for j in job_skills})
    asked = Counter(j.category or "other" for j in job_skills)
    full = Counter(j.category or "other" for j in job_skills if j.skill.casefold() in matched)
    half = Counter(j.category or "other" for j in job_skills if j.skill.casefold() in partial)
    figure = go.Figure([
        go.Bar(name="asked by the job", x=categories, y=[asked[c] for c in categories], marker_color=COLOURS["job"]),
        go.Bar(name="in the CV", x=categories, y=[full[c] for c in categories], marker_color=COLOURS["matched"]),
        go.Bar(name="close in the CV (partial)", x=categories, y=[half[c] for c in categories],
               marker_color=COLOURS["partial"]),
    ])
    figure.update_layout(barmode="group", title="Skill coverage by category", yaxis_title="skills",
                         height=340, margin={"t": 50, "b": 40, "l": 40, "r": 10}, legend={"orientation": "h"})
    return figure


def matched_missing_bar(coverage: Coverage) -> go.Figure:
    """One stacked bar: the job's skills the CV has, has something close to, and lacks."""
    figure = go.Figure()
    for label, count, colour in (("matched", len(coverage.matched), COLOURS["matched"]),
                                 ("partial", len(coverage.partial), COLOURS["partial"]),
                                 ("missing", len(coverage.missing), COLOURS["missing"])):
        figure.add_bar(name=label, y=["job skills"], x=[count], orientation="h", marker_color=colour,
                       text=[count] if count else None, textposition="inside")
    figure.update_layout(barmode="stack", title="Matched / partial / missing", height=180,
                         margin={"t": 40, "b": 20, "l": 10, "r": 10}, legend={"orientation": "h"})
    return figure


def batch_heatmap(candidates: Sequence[str], skills: Sequence[str], has: Sequence[set[str]]) -> go.Figure:
    """Candidates (rows, best first) × the job's required skills: 1 when the CV has the skill."""
    keys = [s.casefold() for s in skills]
    z = [[1 if k in {h.casefold() for h in row} else 0 for k in keys] for row in has]
    figure = go.Figure(go.Heatmap(z=z, x=list(skills), y=list(candidates), zmin=0, zmax=1, showscale=False,
                                  colorscale=[[0, "#f3d6d5"], [1, COLOURS["matched"]]], xgap=1, ygap=1,
                                  hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>"))
    figure.update_layout(title="Candidates × required skills (green: in the CV)", height=max(260, 22 * len(candidates) + 120),
                         margin={"t": 50, "b": 80, "l": 10, "r": 10},
                         yaxis={"autorange": "reversed", "type": "category"}, xaxis={"type": "category"})
    return figure


def common_missing(missing_per_candidate: Sequence[Sequence[str]], *, top: int = 15) -> go.Figure:
    """The job's skills most often missing across the batch."""
    counts = Counter(s for row in missing_per_candidate for s in dict.fromkeys(row)).most_common(top)
    figure = go.Figure(go.Bar(x=[c for _, c in counts][::-1], y=[s for s, _ in counts][::-1], orientation="h",
                              marker_color=COLOURS["missing"]))
    figure.update_layout(title=f"Most common missing skills ({len(missing_per_candidate)} candidates)",
                         xaxis_title="candidates missing it", height=max(220, 24 * len(counts) + 90),
                         margin={"t": 50, "b": 40, "l": 10, "r": 10})
    return figure
