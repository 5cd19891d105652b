"""Skill highlights (escaped HTML) and the coverage charts."""

from __future__ import annotations

from core.skill_analysis import Coverage, JobSkill, PartialMatch
from dashboard.charts import batch_heatmap, common_missing, coverage_by_category, matched_missing_bar
from dashboard.highlight import highlight_html, legend_html

CV = 'Python dev <script>alert("x")</script> & <img src=x onerror=alert(1)> SQL, MySQL'


def test_user_text_stays_inert_in_the_highlight() -> None:
    python, sql, mysql = CV.index("Python"), CV.index("SQL"), CV.index("MySQL")
    out = highlight_html(CV, [(python, python + 6, "Python"), (sql, sql + 3, "SQL"), (mysql, mysql + 5, "MySQL")],
                         {"python": "matched", "mysql": "partial"})
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out and "&amp;" in out
    assert out.count("<mark") == 3
    assert 'title="Python · matched"' in out and 'title="MySQL · partial"' in out and 'title="SQL · extra"' in out


def test_skill_names_and_statuses_are_escaped_too() -> None:
    out = highlight_html("ab", [(0, 2, '"><b>x')], {})
    assert "<b>" not in out and "&quot;&gt;&lt;b&gt;x" in out


def test_overlapping_out_of_range_and_empty_hits_are_skipped() -> None:
    out = highlight_html("Spring Boot app", [(0, 11, "Spring Boot"), (0, 6, "Spring"), (5, 3, "bad"), (10, 99, "far")],
                         {})
    assert out.count("<mark") == 1 and ">Spring Boot</mark>" in out
    assert "<mark" not in highlight_html("no skills here\nline two", [], {}) and "<br>" in highlight_html("a\nb", [], {})


def test_long_cvs_are_cut_with_a_note() -> None:
    out = highlight_html("x" * 100, [(95, 99, "late")], {}, limit=50)
    assert "50 more characters not shown" in out and "<mark" not in out


def test_legend_names_every_status() -> None:
    legend = legend_html()
    assert "partial" in legend and legend.count("<mark") == 3


COVER = Coverage(matched=("Python",), partial=(PartialMatch("PostgreSQL", "MySQL", 0.55),), missing=("AWS",),
                 extra=("Excel",))
ASKED = [JobSkill("Python", "programming language", "required", ""), JobSkill("PostgreSQL", "data", "required", ""),
         JobSkill("AWS", "cloud/devops", "nice to have", "")]


def test_coverage_charts_count_what_they_show() -> None:
    by_category = coverage_by_category(ASKED, COVER)
    asked, full, half = (list(trace.y) for trace in by_category.data)
    assert list(by_category.data[0].x) == ["cloud/devops", "data", "programming language"]
    assert asked == [1, 1, 1] and full == [0, 0, 1] and half == [0, 1, 0]
    bar = matched_missing_bar(COVER)
    assert [list(t.x) for t in bar.data] == [[1], [1], [1]]


def test_batch_charts() -> None:
    heat = batch_heatmap(["1. Ana", "2. Bo"], ["Python", "AWS"], [{"python"}, set()])
    assert [list(r) for r in heat.data[0].z] == [[1, 0], [0, 0]]
    assert list(heat.data[0].y) == ["1. Ana", "2. Bo"] and heat.layout.yaxis.type == "category"
    missing = common_missing([["AWS", "SQL"], ["AWS"], []])
    assert list(missing.data[0].y)[-1] == "AWS" and list(missing.data[0].x)[-1] == 2


def test_the_occupation_reading_names_the_categories_and_warns_when_unsure() -> None:
    from dashboard.tables import occupation_reading

    sure = occupation_reading([("ACCOUNTANT", 0.72), ("FINANCE", 0.12), ("BUSINESS-DEVELOPMENT", 0.04)])
    assert sure == "The model reads this job as: Accountant 72% · Finance 12% · Business Development 4%."
    unsure = occupation_reading([("AUTOMOBILE", 0.31), ("ENGINEERING", 0.2)])
    assert unsure.startswith("The model reads this job as: Automobile 31%") and "minilm-cosine as this job's scorer" in unsure
    assert occupation_reading([]) == ""
    assert occupation_reading([("ACCOUNTANT", 0.98), ("FINANCE", 0.02), ("BANKING", 0.001)]).endswith("Finance 2%.")
