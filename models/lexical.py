"""Lexical evidence of a (JD, CV) pair: the named terms, titles and skills a posting asks for.

An embedding cosine sees topics, not the specific tools, credentials and titles a posting names,
which is why TF-IDF beats it on rubric-labelled pairs. These features give the pair head that
evidence. Every feature depends on the pair alone (and on a fixed IDF table shipped with the
model), never on the rest of the batch, so a CV's score does not change with its neighbours.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from core.sections import title_line

_TOKEN = re.compile(r"[a-z][a-z0-9+#]*(?:\.[a-z0-9]+)*")
_STOP = frozenset(ENGLISH_STOP_WORDS) | {"experience", "work", "years", "year", "ability", "including", "job",
                                         "company", "team", "position", "role", "skills", "responsibilities"}

FEATURE_NAMES = ("tfidf_cosine", "jd_term_recall", "title_in_cv", "title_in_cv_head", "skill_coverage")

SkillsOf = Callable[[Sequence[str]], list[set[str]]]
"""Canonical skill names found in each text (the taxonomy extractor), batched."""


def terms(text: str) -> list[str]:
    """Lower-cased content words ("c++", "node.js", "gaap"), stop words removed."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP and len(t) > 1]


@dataclass
class IdfTable:
    """Inverse document frequencies learnt from a corpus, shipped with a trained model."""

    n_docs: int
    idf: dict[str, float]

    @property
    def unseen_idf(self) -> float:
        return math.log((self.n_docs + 1) / 1) + 1.0

    def weight(self, term: str) -> float:
        return self.idf.get(term, self.unseen_idf)

    @classmethod
    def fit(cls, corpus: Iterable[str], *, min_df: int = 2, max_terms: int = 40_000) -> IdfTable:
        df: Counter[str] = Counter()
        n = 0
        for text in corpus:
            n += 1
            df.update(set(terms(text)))
        kept = [(t, c) for t, c in df.items() if c >= min_df]
        kept.sort(key=lambda tc: (-tc[1], tc[0]))
        idf = {t: round(math.log((n + 1) / (c + 1)) + 1.0, 4) for t, c in kept[:max_terms]}
        return cls(n, idf)

    def save(self, path: Path) -> None:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump({"n_docs": self.n_docs, "idf": self.idf}, fh, sort_keys=True)

    @classmethod
    def load(cls, path: Path) -> IdfTable:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        return cls(int(data["n_docs"]), {str(k): float(v) for k, v in data["idf"].items()})


class LexicalFeaturizer:
    """Computes :data:`FEATURE_NAMES` for (JD, CV) pairs; skills come from an optional extractor."""

    def __init__(self, idf: IdfTable, *, skills_of: SkillsOf | None = None) -> None:
        self.idf = idf
        self.skills_of = skills_of

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        return {t: (1.0 + math.log(c)) * self.idf.weight(t) for t, c in counts.items()}

    def features(self, job_text: str, cv_texts: Sequence[str]) -> np.ndarray:
        """Shape (len(cv_texts), len(FEATURE_NAMES)), every value in [0, 1]."""
        jd_terms = Counter(terms(job_text))
        jd_vec = self._vector(jd_terms)
        jd_norm = math.sqrt(sum(w * w for w in jd_vec.values())) or 1.0
        jd_weight_total = sum(self.idf.weight(t) for t in jd_terms) or 1.0
        title_terms = set(terms(title_line(job_text)))
        if self.skills_of is not None:
            skill_sets = self.skills_of([job_text, *cv_texts])
            jd_skills, cv_skills = skill_sets[0], skill_sets[1:]
        else:
            jd_skills, cv_skills = set(), [set() for _ in cv_texts]
        out = np.zeros((len(cv_texts), len(FEATURE_NAMES)), dtype=np.float32)
        for row, cv in enumerate(cv_texts):
            cv_terms = Counter(terms(cv))
            cv_vec = self._vector(cv_terms)
            cv_norm = math.sqrt(sum(w * w for w in cv_vec.values())) or 1.0
            dot = sum(w * cv_vec[t] for t, w in jd_vec.items() if t in cv_vec)
            recall = sum(self.idf.weight(t) for t in jd_terms if t in cv_terms) / jd_weight_total
            head_terms = set(terms(cv[:300]))
            out[row] = (
                dot / (jd_norm * cv_norm),
                recall,
                len(title_terms & cv_terms.keys()) / len(title_terms) if title_terms else 0.0,
                len(title_terms & head_terms) / len(title_terms) if title_terms else 0.0,
                len(jd_skills & cv_skills[row]) / len(jd_skills) if jd_skills else 0.0,
            )
        return out


def extractor_skills(extractor: object) -> SkillsOf:
    """Adapt :class:`core.skills.SkillExtractor` to :data:`SkillsOf`."""

    def skills_of(texts: Sequence[str]) -> list[set[str]]:
        return [{h.skill for h in hits} for hits in extractor.extract_many(list(texts))]  # type: ignore[attr-defined]

    return skills_of
