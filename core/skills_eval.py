"""How well the skill extractor finds human-labelled skill spans: micro P / R / F1 per source.

``python -m core evaluate-skills [--data PATH] [--json] [--errors N] [--labels SOURCE=L1,L2]``

The data is JSONL, one document per line (the format of ``../shared/data/skill_ner``)::

    {"text": "...", "spans": [{"start": 0, "end": 6, "label": "SKILL", "text": "Python"}],
     "source": "skillspan", "id": "..."}

Protocol — decided per source from the data set's README, because the sources label different
things (:data:`PROTOCOLS`):

- **skillspan** (job postings): gold = ``SKILL`` ∪ ``KNOWLEDGE``. KNOWLEDGE holds the tools and
  bodies of knowledge a taxonomy names ("Python", "machine learning"); SKILL holds long verb
  phrases ("develop our processes"). The two layers may nest; each span counts.
- **green** (job-ad sentences): gold = ``SKILL`` ∪ ``QUALIFICATION``: the taxonomy lists
  certifications as skills ("CPR", "ACCA"), and QUALIFICATION is Green's certification label.
  OCCUPATION, DOMAIN and EXPERIENCE are not skills.
- **dotin_resumes** (CVs): gold = ``TECH_TOOL`` ∪ ``JOB_SPECIFIC_SKILL`` ∪ ``SOFT_SKILL``. CVs
  with no skill span at all are left out: their annotation is missing, not empty (median 18
  skill spans per CV), and every hit in them would count as a false positive.
- any other source: every skill-like label of the three (:data:`DEFAULT_PROTOCOL`).

Spans are compared after stripping whitespace and punctuation at their edges (not ``+`` or
``#``, which end "C++" and "C#"); gold spans of a document with the same offsets count once.
Two matching modes, both one-to-one:

- **exact**: a predicted span is a true positive when its offsets equal a gold span's.
- **overlap**: a predicted span overlapping a gold span is a true positive; pairs are matched
  greedily by overlap length (ties: the closer length, then position), each gold span and each
  predicted span at most once. Job-posting gold spans are phrases (mean about 3 tokens) and a
  taxonomy matcher finds short names inside them, so overlap is the fair mode for SkillSpan
  and Green; exact understates both precision and recall there.

Precision = TP / predicted, recall = TP / gold, summed over documents (micro), per source and
over all sources. The overlap-mode false positives and false negatives also feed the error
lists (most frequent surface strings) and a breakdown of where unmatched predictions fall.

Example:
    >>> from core.skills import load_skill_extractor
    >>> report = run_evaluation([Path("../shared/data/skill_ner")], load_skill_extractor())
    >>> report["overall"]["overlap"]["f1"]  # doctest: +SKIP
"""

from __future__ import annotations

import json
import string
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from core.errors import RecruitError

MatchMode = Literal["exact", "overlap"]
MODES: tuple[MatchMode, ...] = ("exact", "overlap")

# Stripped from both ends of every span before comparing: a gold span "Python," and a hit "Python"
# are the same mention. "+" and "#" stay ("C++", "C#").
EDGE_CHARS = frozenset(string.whitespace + ".,;:!?\"'`()[]{}<>*|/\\-–—•·▪●◦‣“”‘’")
_MAX_LISTED_LINES = 10  # skipped lines named per file in a warning


class EvaluationDataError(RecruitError):
    """The evaluation data cannot be used (missing, unreadable, or no valid document in it)."""


@dataclass(frozen=True)
class SourceProtocol:
    """Which gold labels of a source count as skill mentions, and why.

    Attributes:
        labels: gold labels that count.
        skip_unannotated: leave out documents with no span of ``labels`` (annotation missing).
        note: the reason, printed with the report.
    """

    labels: frozenset[str]
    skip_unannotated: bool = False
    note: str = ""


PROTOCOLS: dict[str, SourceProtocol] = {
    "skillspan": SourceProtocol(
        frozenset({"SKILL", "KNOWLEDGE"}),
        note="SKILL ∪ KNOWLEDGE (tools are KNOWLEDGE; SKILL spans are long verb phrases, so overlap "
             "mode is the fair one for recall here)",
    ),
    "green": SourceProtocol(
        frozenset({"SKILL", "QUALIFICATION"}),
        note="SKILL ∪ QUALIFICATION (certifications are skills in the taxonomy; OCCUPATION, DOMAIN, "
             "EXPERIENCE are not)",
    ),
    "dotin_resumes": SourceProtocol(
        frozenset({"TECH_TOOL", "JOB_SPECIFIC_SKILL", "SOFT_SKILL"}),
        skip_unannotated=True,
        note="TECH_TOOL ∪ JOB_SPECIFIC_SKILL ∪ SOFT_SKILL; CVs without any skill span are left out; "
             "annotation is incomplete, so precision is a lower bound",
    ),
}
DEFAULT_PROTOCOL = SourceProtocol(
    frozenset({"SKILL", "KNOWLEDGE", "QUALIFICATION", "TECH_TOOL", "JOB_SPECIFIC_SKILL", "SOFT_SKILL"}),
    note="unknown source: every skill-like label of the known sources",
)


@dataclass(frozen=True)
class GoldSpan:
    """A labelled span of a document: ``text[start:end]`` carries ``label``."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class LabelledDocument:
    """One line of the data: a text and its gold spans."""

    id: str
    source: str
    text: str
    spans: tuple[GoldSpan, ...]


@dataclass(frozen=True)
class SkippedLine:
    """A line of a data file that was not used, and why."""

    path: str
    line: int
    reason: str


@dataclass
class LoadedData:
    """Documents read from one or more JSONL files, and the lines skipped on the way."""

    files: list[Path] = field(default_factory=list)
    documents: list[LabelledDocument] = field(default_factory=list)
    skipped: list[SkippedLine] = field(default_factory=list)


@dataclass
class Counts:
    """True positives, false positives and false negatives, and the micro metrics over them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


class _Hit(Protocol):
    start: int
    end: int


class BatchExtractor(Protocol):
    """What is evaluated: :class:`core.skills.SkillExtractor` or anything with its ``extract_many``."""

    def extract_many(self, texts: Iterable[str]) -> Sequence[Sequence[_Hit]]: ...


# ---------------------------------------------------------------------------------------------
# Matching


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without whitespace and punctuation at the edges; unchanged if nothing would remain."""
    s, e = start, end
    while s < e and text[s] in EDGE_CHARS:
        s += 1
    while e > s and text[e - 1] in EDGE_CHARS:
        e -= 1
    return (s, e) if s < e else (start, end)


def match_spans(
    gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]], mode: MatchMode
) -> list[tuple[int, int]]:
    """One-to-one matches between gold and predicted spans, as ``(gold index, predicted index)`` pairs.

    Args:
        gold: ``(start, end)`` character offsets (end exclusive); they may overlap each other.
        predicted: the same for the extractor's spans.
        mode: ``"exact"`` (equal offsets) or ``"overlap"`` (at least one shared character; greedy
            by overlap length, ties to the closer length, then the earlier position).

    Example:
        >>> match_spans([(0, 20), (30, 36)], [(5, 11), (30, 36), (40, 44)], "overlap")
        [(0, 0), (1, 1)]
    """
    if mode == "exact":
        free: dict[tuple[int, int], list[int]] = {}
        for gi, span in enumerate(gold):
            free.setdefault(span, []).append(gi)
        pairs = []
        for pi, span in enumerate(predicted):
            waiting = free.get(span)
            if waiting:
                pairs.append((waiting.pop(0), pi))
        return sorted(pairs)
    if mode != "overlap":
        raise ValueError(f"unknown matching mode {mode!r}: use one of {', '.join(MODES)}")
    order = sorted(range(len(predicted)), key=lambda i: predicted[i])
    starts = [predicted[i][0] for i in order]
    longest = max((e - s for s, e in predicted), default=0)
    candidates = []
    for gi, (gs, ge) in enumerate(gold):
        # A predicted span starting before gs - longest cannot reach gs.
        for k in range(bisect_left(starts, gs - longest + 1), len(order)):
            pi = order[k]
            ps, pe = predicted[pi]
            if ps >= ge:
                break
            shared = min(ge, pe) - max(gs, ps)
            if shared > 0:
                candidates.append((-shared, abs((ge - gs) - (pe - ps)), gs, ps, gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for *_, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def evaluate_spans(
    gold: Sequence[tuple[int, int]],
    predicted: Sequence[tuple[int, int]],
    mode: MatchMode,
    *,
    text: str | None = None,
) -> Counts:
    """TP / FP / FN of ``predicted`` against ``gold`` in one document.

    Args:
        gold: gold ``(start, end)`` offsets.
        predicted: predicted ``(start, end)`` offsets.
        mode: ``"exact"`` or ``"overlap"`` (see :func:`match_spans`).
        text: the document; when given, spans are first stripped of edge punctuation and
            whitespace (:func:`strip_span`) and gold spans with equal offsets count once.

    Example:
        >>> evaluate_spans([(0, 7)], [(0, 6)], "exact", text="Python, SQL").tp
        1
    """
    if text is not None:
        gold = list(dict.fromkeys(strip_span(text, s, e) for s, e in gold))
        predicted = [strip_span(text, s, e) for s, e in predicted]
    tp = len(match_spans(gold, predicted, mode))
    return Counts(tp=tp, fp=len(predicted) - tp, fn=len(gold) - tp)


# ---------------------------------------------------------------------------------------------
# Loading


def resolve_data_files(paths: Sequence[Path]) -> list[Path]:
    """The JSONL files to read: files as given, folders searched recursively for ``*.jsonl``.

    Raises:
        EvaluationDataError: a path does not exist, or a folder holds no JSONL file.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.jsonl") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                raise EvaluationDataError(f"the folder {path} holds no .jsonl file")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise EvaluationDataError(f"no such file or folder: {path}")
    return list(dict.fromkeys(files))


def load_jsonl(path: Path) -> tuple[list[LabelledDocument], list[SkippedLine]]:
    """Documents of one JSONL file; malformed lines are skipped and returned with the reason.

    A line is skipped when it is not UTF-8 or not JSON, is not an object with a string ``text``
    and a list ``spans``, or has a span whose offsets are not integers with
    ``0 <= start < end <= len(text)`` or whose ``text`` differs from the document at its offsets.
    ``source`` defaults to the file's stem, ``id`` to ``stem:line``. Blank lines are ignored.

    Raises:
        EvaluationDataError: the file cannot be read.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EvaluationDataError(f"cannot read {path}: {exc.strerror or exc}") from exc
    documents: list[LabelledDocument] = []
    skipped: list[SkippedLine] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
            default_id = f"{path.stem}:{number}"
            documents.append(_parse_record(record, default_source=path.stem, default_id=default_id))
        except UnicodeDecodeError:
            skipped.append(SkippedLine(str(path), number, "not UTF-8 text"))
        except json.JSONDecodeError as exc:
            skipped.append(SkippedLine(str(path), number, f"invalid JSON ({exc.msg} at column {exc.colno})"))
        except ValueError as exc:
            skipped.append(SkippedLine(str(path), number, str(exc)))
    return documents, skipped


def load_data(paths: Sequence[Path]) -> LoadedData:
    """Every document of every JSONL file under ``paths`` (see :func:`load_jsonl`).

    Raises:
        EvaluationDataError: a path is missing or unreadable, or no valid document was found.
    """
    data = LoadedData(files=resolve_data_files(paths))
    for path in data.files:
        documents, skipped = load_jsonl(path)
        data.documents.extend(documents)
        data.skipped.extend(skipped)
    if not data.documents:
        where = ", ".join(str(p) for p in data.files)
        detail = ""
        if data.skipped:
            first = "; ".join(f"{Path(s.path).name} line {s.line}: {s.reason}" for s in data.skipped[:3])
            detail = f" ({len(data.skipped)} malformed line(s) skipped, e.g. {first})"
        raise EvaluationDataError(f"no usable labelled document in {where}{detail}")
    return data


def _parse_record(record: Any, *, default_source: str, default_id: str) -> LabelledDocument:
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("'text' is missing or not a string")
    raw_spans = record.get("spans")
    if not isinstance(raw_spans, list):
        raise ValueError("'spans' is missing or not a list")
    spans = []
    for number, span in enumerate(raw_spans, start=1):
        if not isinstance(span, dict):
            raise ValueError(f"span {number} is not an object")
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if not _is_int(start) or not _is_int(end):
            raise ValueError(f"span {number} has no integer 'start' / 'end'")
        if not 0 <= start < end <= len(text):
            raise ValueError(f"span {number} [{start}:{end}] is out of range for a text of "
                             f"{len(text)} characters")
        if not isinstance(label, str) or not label:
            raise ValueError(f"span {number} has no 'label'")
        quoted = span.get("text")
        if quoted is not None and quoted != text[start:end]:
            raise ValueError(f"span {number} [{start}:{end}] reads {text[start:end]!r} in the text, "
                             f"not {quoted!r}: offsets do not fit the text")
        spans.append(GoldSpan(start, end, label))
    source = record.get("source")
    doc_id = record.get("id")
    return LabelledDocument(
        id=str(doc_id) if doc_id is not None else default_id,
        source=source if isinstance(source, str) and source else default_source,
        text=text,
        spans=tuple(sorted(spans, key=lambda s: (s.start, s.end))),
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_label_override(value: str) -> tuple[str, frozenset[str]]:
    """``"green=SKILL,QUALIFICATION"`` → ``("green", {"SKILL", "QUALIFICATION"})``.

    Raises:
        ValueError: not of the form ``SOURCE=LABEL[,LABEL...]``.
    """
    source, sep, labels = value.partition("=")
    names = frozenset(label.strip() for label in labels.split(",") if label.strip())
    if not sep or not source.strip() or not names:
        raise ValueError(f"expected SOURCE=LABEL[,LABEL...], got {value!r}")
    return source.strip(), names


def protocols_with(overrides: Mapping[str, frozenset[str]]) -> dict[str, SourceProtocol]:
    """:data:`PROTOCOLS` with the gold labels of some sources replaced."""
    protocols = dict(PROTOCOLS)
    for source, labels in overrides.items():
        base = protocols.get(source, DEFAULT_PROTOCOL)
        note = f"{' ∪ '.join(sorted(labels))} (set by hand)"
        protocols[source] = SourceProtocol(labels, base.skip_unannotated, note)
    return protocols


# ---------------------------------------------------------------------------------------------
# Evaluation


class _SurfaceCounter:
    """Counts surface strings case-insensitively, shown as first written."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.shown: dict[str, str] = {}

    def add(self, surface: str) -> None:
        key = " ".join(surface.split()).casefold()
        self.counts[key] += 1
        self.shown.setdefault(key, " ".join(surface.split()))

    def top(self, n: int) -> list[list[str | int]]:
        return [[self.shown[key], count] for key, count in self.counts.most_common(n)]


@dataclass
class _SourceTally:
    protocol: SourceProtocol
    documents: int = 0
    unannotated_skipped: int = 0
    gold: int = 0
    predicted: int = 0
    counts: dict[str, Counts] = field(default_factory=lambda: {mode: Counts() for mode in MODES})
    label_gold: Counter[str] = field(default_factory=Counter)
    label_found: dict[str, Counter[str]] = field(default_factory=lambda: {mode: Counter() for mode in MODES})
    unmatched_predictions: Counter[str] = field(default_factory=Counter)
    false_positives: _SurfaceCounter = field(default_factory=_SurfaceCounter)
    false_negatives: _SurfaceCounter = field(default_factory=_SurfaceCounter)

    def add_document(self, doc: LabelledDocument, hits: Sequence[_Hit]) -> None:
        text = doc.text
        labels_at: dict[tuple[int, int], set[str]] = {}
        others: list[tuple[int, int, str]] = []
        for span in doc.spans:
            if span.label in self.protocol.labels:
                labels_at.setdefault(strip_span(text, span.start, span.end), set()).add(span.label)
            else:
                others.append((span.start, span.end, span.label))
        gold = list(labels_at)
        predicted = [strip_span(text, hit.start, hit.end) for hit in hits]
        self.documents += 1
        self.gold += len(gold)
        self.predicted += len(predicted)
        for labels in labels_at.values():
            self.label_gold.update(labels)
        pairs_by_mode = {mode: match_spans(gold, predicted, mode) for mode in MODES}
        for mode, pairs in pairs_by_mode.items():
            self.counts[mode].add(Counts(len(pairs), len(predicted) - len(pairs), len(gold) - len(pairs)))
            for gi, _ in pairs:
                self.label_found[mode].update(labels_at[gold[gi]])
        # Errors are read in overlap mode: in exact mode they would be mostly boundary disagreements.
        matched_gold = {gi for gi, _ in pairs_by_mode["overlap"]}
        matched_pred = {pi for _, pi in pairs_by_mode["overlap"]}
        for gi, (s, e) in enumerate(gold):
            if gi not in matched_gold:
                self.false_negatives.add(text[s:e])
        for pi, (s, e) in enumerate(predicted):
            if pi not in matched_pred:
                self.false_positives.add(text[s:e])
                self.unmatched_predictions[_where(s, e, gold, others)] += 1

    def as_dict(self, top_errors: int) -> dict[str, Any]:
        report: dict[str, Any] = {
            "gold_labels": sorted(self.protocol.labels),
            "documents": self.documents,
            "documents_skipped_unannotated": self.unannotated_skipped,
            "gold_spans": self.gold,
            "predicted_spans": self.predicted,
            **{mode: self.counts[mode].as_dict() for mode in MODES},
            "recall_by_label": {
                label: {"gold": n, **{mode: round(self.label_found[mode][label] / n, 4) for mode in MODES}}
                for label, n in sorted(self.label_gold.items())
            },
            "unmatched_predictions": dict(self.unmatched_predictions.most_common()),
        }
        if top_errors > 0:
            report["errors"] = {"false_positives": self.false_positives.top(top_errors),
                                "false_negatives": self.false_negatives.top(top_errors)}
        return report


def _where(
    start: int, end: int, gold: Sequence[tuple[int, int]], others: Sequence[tuple[int, int, str]]
) -> str:
    """Where an unmatched prediction lies: in a skill span another hit took, a non-skill span, or nowhere."""
    if any(s < end and start < e for s, e in gold):
        return "inside a skill span matched by another hit"
    best = max(((min(e, end) - max(s, start), label) for s, e, label in others if s < end and start < e),
               default=None)
    return f"inside {best[1]}" if best else "outside every labelled span"


def evaluate_documents(
    documents: Sequence[LabelledDocument],
    extractor: BatchExtractor,
    *,
    protocols: Mapping[str, SourceProtocol] | None = None,
    top_errors: int = 0,
) -> dict[str, Any]:
    """Run the extractor over ``documents`` and score it per source and overall (see the module doc).

    Args:
        documents: labelled documents (:func:`load_data`).
        extractor: the skill extractor under test.
        protocols: gold labels per source; :data:`PROTOCOLS` when None.
        top_errors: list this many most frequent false positives / negatives per source (0: none).

    Returns:
        A JSON-ready report: ``sources`` (per source: documents, gold and predicted spans, ``exact``
        and ``overlap`` TP/FP/FN/precision/recall/F1, recall per gold label, where unmatched
        predictions lie, and errors), ``overall``, ``protocol`` and ``timing``.
    """
    protocols = PROTOCOLS if protocols is None else protocols
    tallies: dict[str, _SourceTally] = {}
    kept: list[LabelledDocument] = []
    for doc in documents:
        tally = tallies.get(doc.source)
        if tally is None:
            tally = tallies[doc.source] = _SourceTally(protocols.get(doc.source, DEFAULT_PROTOCOL))
        if tally.protocol.skip_unannotated and not any(s.label in tally.protocol.labels for s in doc.spans):
            tally.unannotated_skipped += 1
        else:
            kept.append(doc)
    started = time.perf_counter()
    all_hits = extractor.extract_many([doc.text for doc in kept])
    seconds = time.perf_counter() - started
    for doc, hits in zip(kept, all_hits, strict=True):
        tallies[doc.source].add_document(doc, hits)

    overall = {mode: Counts() for mode in MODES}
    for tally in tallies.values():
        for mode in MODES:
            overall[mode].add(tally.counts[mode])
    chars = sum(len(doc.text) for doc in kept)
    return {
        "sources": {source: tally.as_dict(top_errors) for source, tally in sorted(tallies.items())},
        "overall": {
            "documents": len(kept),
            "gold_spans": sum(t.gold for t in tallies.values()),
            "predicted_spans": sum(t.predicted for t in tallies.values()),
            **{mode: overall[mode].as_dict() for mode in MODES},
        },
        "protocol": {source: tally.protocol.note for source, tally in sorted(tallies.items())},
        "timing": {"documents": len(kept), "characters": chars, "seconds": round(seconds, 3),
                   "docs_per_second": round(len(kept) / seconds, 1) if seconds > 0 else None,
                   "chars_per_second": round(chars / seconds) if seconds > 0 else None},
    }


def run_evaluation(
    paths: Sequence[Path],
    extractor: BatchExtractor,
    *,
    protocols: Mapping[str, SourceProtocol] | None = None,
    top_errors: int = 0,
) -> dict[str, Any]:
    """Load the JSONL files under ``paths`` and evaluate ``extractor`` on them.

    The report of :func:`evaluate_documents`, plus ``files`` and ``skipped_lines`` (each with
    path, line number and reason).

    Raises:
        EvaluationDataError: the data is missing, unreadable or holds no valid document.
    """
    data = load_data(paths)
    report = evaluate_documents(data.documents, extractor, protocols=protocols, top_errors=top_errors)
    report["files"] = [str(p) for p in data.files]
    report["skipped_lines"] = [{"file": s.path, "line": s.line, "reason": s.reason} for s in data.skipped]
    return report


# ---------------------------------------------------------------------------------------------
# Presentation


def skipped_line_warnings(skipped: Sequence[Mapping[str, Any]]) -> list[str]:
    """One warning per file for the skipped lines of a report, naming up to ten line numbers."""
    by_file: dict[str, list[Mapping[str, Any]]] = {}
    for entry in skipped:
        by_file.setdefault(entry["file"], []).append(entry)
    warnings = []
    for path, entries in by_file.items():
        listed = "; ".join(f"line {e['line']}: {e['reason']}" for e in entries[:_MAX_LISTED_LINES])
        more = f"; and {len(entries) - _MAX_LISTED_LINES} more" if len(entries) > _MAX_LISTED_LINES else ""
        warnings.append(f"skipped {len(entries)} malformed line(s) in {path}: {listed}{more}")
    return warnings


def format_report(report: Mapping[str, Any]) -> str:
    """The report of :func:`run_evaluation` as a readable table."""
    files = [Path(f).name for f in report.get("files", [])]
    lines = [f"Skill extraction against labelled spans ({', '.join(files) or 'documents given'})", ""]
    head = f"{'':<16} {'docs':>5} {'gold':>6} {'pred':>6}"
    lines.append(f"{head}   {'exact':^20}   {'overlap':^20}")
    metric_names = f"   {'P':>6} {'R':>6} {'F1':>6}"
    lines.append(f"{'source':<16} {'':>5} {'spans':>6} {'spans':>6}" + metric_names * len(MODES))
    rows = [*report["sources"].items(), ("overall", report["overall"])]
    for name, row in rows:
        if name == "overall":
            lines.append("-" * 78)
        metrics = "".join(f"   {row[m]['precision']:6.3f} {row[m]['recall']:6.3f} {row[m]['f1']:6.3f}"
                          for m in MODES)
        counts = f"{row['documents']:>5} {row['gold_spans']:>6} {row['predicted_spans']:>6}"
        lines.append(f"{name:<16} {counts}{metrics}")

    lines += ["", "Recall per gold label (exact / overlap):"]
    for name, row in report["sources"].items():
        parts = [f"{label} {r['exact']:.3f} / {r['overlap']:.3f} of {r['gold']}"
                 for label, r in row["recall_by_label"].items()]
        lines.append(f"  {name}: " + (" · ".join(parts) or "no gold span"))

    lines += ["", "Unmatched predictions, overlap mode (where they lie):"]
    for name, row in report["sources"].items():
        parts = [f"{n} {where}" for where, n in row["unmatched_predictions"].items()]
        lines.append(f"  {name}: " + ("; ".join(parts) or "none"))

    lines += ["", "Protocol (gold labels counted as skill mentions):"]
    for name, note in report["protocol"].items():
        skipped = report["sources"][name]["documents_skipped_unannotated"]
        extra = f" [{skipped} document(s) without skill spans left out]" if skipped else ""
        lines.append(f"  {name}: {note}{extra}")
    lines += [
        "  exact: offsets equal after stripping edge whitespace/punctuation; overlap: any shared character,",
        "  one-to-one, greedy by overlap length. Job-posting gold spans are phrases and the taxonomy finds",
        "  short names inside them, so overlap is the fair mode on skillspan and green.",
    ]

    if any("errors" in row for row in report["sources"].values()):
        lines += ["", "Most frequent errors (overlap mode):"]
        for name, row in report["sources"].items():
            errors = row.get("errors")
            if not errors:
                continue
            for kind in ("false_positives", "false_negatives"):
                title = kind.replace("_", " ")
                shown = ", ".join(f"{surface!r} ×{n}" for surface, n in errors[kind]) or "none"
                lines.append(f"  {name} {title}: {shown}")

    timing = report["timing"]
    rate = f"{timing['docs_per_second']:.1f} docs/s" if timing["docs_per_second"] else "n/a"
    lines += ["", f"Extracted {timing['documents']} documents ({timing['characters']:,} characters) in "
              f"{timing['seconds']:.2f} s: {rate}"]
    if report.get("skipped_lines"):
        lines.append(f"{len(report['skipped_lines'])} malformed line(s) skipped (see the warnings)")
    return "\n".join(lines) + "\n"
