from __future__ import annotations

import pytest

from core.documents import UploadedFile
from core.errors import InvalidInput
from core.pipeline import candidate_name_from_filename, create_job, job_title_from_text, rank_uploads
from db import repository as repo
from db.session import session_scope
from tests.docfactory import make_pdf, make_zip

JD = ("Backend Python Developer\nWe build REST APIs in Python with Django and PostgreSQL, deployed with Docker "
      "on AWS. Must know SQL and Git; Kubernetes is a plus.")
CVS = {
    "anna_python.txt": b"Anna. Python developer: Django, PostgreSQL, Docker, AWS, SQL, Git. Built REST APIs for 5 years.",
    "ben_chef.txt": b"Ben. Pastry chef: croissants, chocolate, menu costing, food safety, kitchen leadership.",
    "cara_java.txt": b"Cara. Java developer: Spring, MySQL, Jenkins, REST services, some Python scripting.",
}


def _uploads() -> list[UploadedFile]:
    return [UploadedFile(name, data) for name, data in CVS.items()]


@pytest.fixture()
def job_id(engine, skill_extractor) -> int:  # type: ignore[no-untyped-def]
    return create_job(engine, description=JD, extractor=skill_extractor)


def test_a_batch_is_ranked_stored_and_reloads(engine, scorer, skill_extractor, job_id: int) -> None:
    events: list[float] = []
    outcome = rank_uploads(engine, job_id=job_id, uploads=_uploads() + [UploadedFile("broken.pdf", b"%PDF-1.4 garbage")],
                           scorer=scorer, extractor=skill_extractor, progress=lambda f, _m: events.append(f))
    assert [r.filename for r in outcome.ranked_by_score()][0] == "anna_python.txt"
    assert outcome.ranked_by_score()[-1].filename == "ben_chef.txt"
    assert [f.filename for f in outcome.failures] == ["broken.pdf"]
    assert events == sorted(events) and events[-1] == 1.0
    anna = next(r for r in outcome.ranked if r.filename == "anna_python.txt")
    assert {"Python", "Django", "PostgreSQL"} <= set(anna.matched_skills)
    with session_scope(engine) as s:
        rows = repo.ranking(s, job_id=job_id)
        assert [r.filename for r in rows] == [r.filename for r in outcome.ranked_by_score()]
        (batch,) = repo.list_batches(s, job_id=job_id)
        assert (batch.files_received, batch.ranked, batch.failed, batch.status) == (4, 3, 1, "done")
        assert "damaged" in repo.list_failures(s, batch_id=batch.id)[0].reason


def test_uploading_the_same_cvs_again_adds_no_candidate(engine, scorer, skill_extractor, job_id: int) -> None:
    first = rank_uploads(engine, job_id=job_id, uploads=_uploads(), scorer=scorer, extractor=skill_extractor)
    second = rank_uploads(engine, job_id=job_id, uploads=[UploadedFile("renamed-" + u.filename, u.data) for u in _uploads()],
                          scorer=scorer, extractor=skill_extractor)
    assert first.duplicates == 0 and second.duplicates == 3
    assert {r.score for r in first.ranked} == {r.score for r in second.ranked}
    with session_scope(engine) as s:
        assert repo.count_candidates(s) == 3
        assert len(repo.ranking(s, job_id=job_id)) == 3


def test_the_same_file_twice_in_one_upload_is_ranked_once(engine, scorer, skill_extractor, job_id: int) -> None:
    data = CVS["anna_python.txt"]
    outcome = rank_uploads(engine, job_id=job_id, uploads=[UploadedFile("a.txt", data), UploadedFile("b.txt", data)],
                           scorer=scorer, extractor=skill_extractor)
    assert len(outcome.ranked) == 1
    assert "twice" in outcome.failures[0].reason


def test_a_zip_of_cvs_with_a_bad_member_ranks_the_rest(engine, scorer, skill_extractor, job_id: int) -> None:
    archive = make_zip({"cvs/anna.pdf": make_pdf([CVS["anna_python.txt"].decode()]), "cvs/../../evil.txt": b"x",
                        "cvs/ben.txt": CVS["ben_chef.txt"]})
    outcome = rank_uploads(engine, job_id=job_id, uploads=[UploadedFile("batch.zip", archive)],
                           scorer=scorer, extractor=skill_extractor)
    assert len(outcome.ranked) == 2
    assert len(outcome.failures) == 1 and "evil" in outcome.failures[0].filename


def test_unknown_job_and_empty_description_are_refused(engine, scorer, skill_extractor) -> None:
    with pytest.raises(InvalidInput, match="no job"):
        rank_uploads(engine, job_id=999, uploads=_uploads(), scorer=scorer, extractor=skill_extractor)
    with pytest.raises(InvalidInput, match="empty"):
        create_job(engine, description="  \n ", extractor=skill_extractor)


def test_job_stores_the_skills_it_asks_for(engine, job_id: int) -> None:
    with session_scope(engine) as s:
        job = repo.get_job(s, job_id=job_id)
        assert job is not None and job.title == "Backend Python Developer"
        assert {"Python", "Django", "PostgreSQL", "Docker"} <= set(job.skills)


def test_names_and_titles_are_readable() -> None:
    assert candidate_name_from_filename("uploads/anna_smith-CV.pdf") == "anna smith CV"
    assert job_title_from_text("\n\n## Data Engineer\nWe...") == "Data Engineer"
    assert job_title_from_text("Job Title: Anaplan Developer\nWe...") == "Anaplan Developer"
    assert job_title_from_text("POSITION – Staff Accountant\n...") == "Staff Accountant"
    assert job_title_from_text("Title:\nsomething") == "Title"  # nothing after the label: kept as it is
    assert job_title_from_text("Role-playing game designer\n...") == "Role-playing game designer"


def test_stored_cvs_are_never_encoded_twice_and_a_new_job_reranks_the_pool(
        engine, scorer, skill_extractor, job_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.pipeline import rerank_pool

    first = rank_uploads(engine, job_id=job_id, uploads=_uploads(), scorer=scorer, extractor=skill_extractor)
    encoded: list[int] = []
    original = scorer.encoder.encode_ids
    monkeypatch.setattr(scorer.encoder, "encode_ids",
                        lambda chunks, progress=None: encoded.append(len(chunks)) or original(chunks, progress=progress))
    again = rank_uploads(engine, job_id=job_id, uploads=_uploads(), scorer=scorer, extractor=skill_extractor)
    assert sum(encoded) == 0, "the second upload reuses the stored chunk vectors"
    assert {r.filename: r.score for r in again.ranked} == pytest.approx(
        {r.filename: r.score for r in first.ranked}, abs=0.1)

    chef_job = create_job(engine, description="Pastry Chef\nCroissants, chocolate, kitchen leadership.",
                          extractor=skill_extractor)
    outcome = rerank_pool(engine, job_id=chef_job, scorer=scorer, extractor=skill_extractor)
    assert (outcome.documents, outcome.encoded) == (3, 0)
    assert sum(encoded) <= 1, "only the new JD's chunk was encoded"
    with session_scope(engine) as s:
        ranking = repo.ranking(s, job_id=chef_job)
    assert ranking[0].filename == "ben_chef.txt" and len(ranking) == 3


def test_batch_counts_zip_members_refused_before_parsing(engine, scorer, skill_extractor, job_id: int) -> None:
    archive = make_zip({"a.txt": CVS["anna_python.txt"], "../evil.txt": b"x"})
    rank_uploads(engine, job_id=job_id, uploads=[UploadedFile("b.zip", archive), UploadedFile("bad.pdf", b"%PDF-1.4")],
                 scorer=scorer, extractor=skill_extractor)
    with session_scope(engine) as s:
        (batch,) = repo.list_batches(s, job_id=job_id)
        assert (batch.files_received, batch.ranked, batch.failed) == (3, 1, 2)


def test_empty_files_are_reported_empty_and_repeats_are_not_counted_unreadable(
        engine, scorer, skill_extractor, job_id: int) -> None:
    cv = CVS["anna_python.txt"]
    outcome = rank_uploads(engine, job_id=job_id, uploads=[
        UploadedFile("empty.pdf", b""), UploadedFile("empty.txt", b""), UploadedFile("a.txt", cv),
        UploadedFile("a_copy.txt", cv)], scorer=scorer, extractor=skill_extractor)
    reasons = {f.filename: f.reason for f in outcome.failures}
    assert "empty" in reasons["empty.pdf"] and "empty" in reasons["empty.txt"]  # not "appears twice"
    assert "appears twice" in reasons["a_copy.txt"]
    assert (len(outcome.ranked), outcome.unreadable, outcome.repeats) == (1, 2, 1)
    with session_scope(engine) as s:
        (batch,) = repo.list_batches(s, job_id=job_id)
        assert (batch.files_received, batch.ranked, batch.failed) == (4, 1, 2)


def test_a_candidate_is_named_by_the_cvs_header_else_by_the_file(engine, scorer, skill_extractor, job_id: int) -> None:
    outcome = rank_uploads(engine, job_id=job_id, uploads=[
        UploadedFile("cv_final_v2.txt", b"John Smith\njohn.smith@example.com | +1 555 123 4567\nStaff Accountant\n"
                                        b"EXPERIENCE\nAcme, 2019-2022: QuickBooks, GAAP."),
        UploadedFile("anonymous_cv.txt", b"Professional Summary\nAccountant with 5 years of QuickBooks.")],
        scorer=scorer, extractor=skill_extractor)
    assert {r.filename: r.candidate_name for r in outcome.ranked} == {
        "cv_final_v2.txt": "John Smith", "anonymous_cv.txt": "anonymous cv"}


def test_a_new_model_version_keeps_the_earlier_cvs_in_the_ranking(engine, scorer, skill_extractor, job_id: int,
                                                                    encoded: list[int]) -> None:
    import copy

    from db.models import DECISION_STATUSES

    first = rank_uploads(engine, job_id=job_id, uploads=_uploads()[:2], scorer=scorer, extractor=skill_extractor)
    assert first.rescored == 0
    anna = next(r for r in first.ranked if r.filename == "anna_python.txt")
    with session_scope(engine) as s:
        repo.set_decision(s, job_id=job_id, candidate_id=anna.candidate_id, status=DECISION_STATUSES[1],
                          note="call back")
    upgraded = copy.copy(scorer)  # the same encoder, another trained version (an upgrade of the app)
    upgraded.version = scorer.version + "+next"
    encoded.clear()
    events: list[float] = []
    second = rank_uploads(engine, job_id=job_id, uploads=_uploads()[2:], scorer=upgraded, extractor=skill_extractor,
                          progress=lambda f, _m: events.append(f))
    assert second.rescored == 2 and sum(encoded) == len(upgraded.chunk(CVS["cara_java.txt"].decode()))  # stored vectors
    assert events == sorted(events) and events[-1] == 1.0
    with session_scope(engine) as s:
        rows = repo.ranking(s, job_id=job_id)
        assert {r.model_version for r in rows} == {upgraded.version}
        assert sorted(r.filename for r in rows) == sorted(CVS)  # all three, not only the new batch
        kept = next(r for r in rows if r.filename == "anna_python.txt")
        assert (kept.decision, kept.decision_note) == (DECISION_STATUSES[1], "call back")
        assert kept.score == pytest.approx(anna.score, abs=0.02)  # same weights: the same score
        assert repo.documents_ranked_by_other_models(s, job_id=job_id, model_name=upgraded.name,
                                                     model_version=upgraded.version) == []


def test_a_job_with_its_own_title_is_scored_with_it(engine, scorer, skill_extractor,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    description = "About us: a family-run hotel by the lake.\nCroissants, chocolate, kitchen leadership."
    job = create_job(engine, description=description, title="Pastry Chef", extractor=skill_extractor)
    read: list[str] = []
    original = scorer.score_batch

    def spy(job_text, cv_texts, **kwargs):  # type: ignore[no-untyped-def]
        read.append(job_text)
        return original(job_text, cv_texts, **kwargs)

    monkeypatch.setattr(scorer, "score_batch", spy)
    rank_uploads(engine, job_id=job, uploads=_uploads(), scorer=scorer, extractor=skill_extractor)
    assert read and all(text == "Pastry Chef\n" + description for text in read)
