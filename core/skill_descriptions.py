"""One-sentence descriptions of taxonomy skills, for semantic (partial) skill matching.

A name alone tells a small sentence encoder little ("PyTorch" and "Deep Learning" sit at cosine
0.36 with MiniLM); "PyTorch: PyTorch is an open source machine learning library." says what it
is. Descriptions come from the public lists in ``../shared/data/skills`` — GitHub topics'
``short_description``, the Microsoft skills list's ``shortDescription``, ESCO's ``description``
(in that order of preference) — matched on the skill's name or one of its aliases, and are
written to ``core/data/skill_descriptions.csv`` by ``python -m core.skills_taxonomy`` next to the
taxonomy. A skill without one is encoded by its name.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from core.skills_taxonomy import TaxonomyEntry

logger = logging.getLogger(__name__)

DEFAULT_DESCRIPTIONS_PATH = Path(__file__).resolve().parent / "data" / "skill_descriptions.csv"
MAX_CHARS = 160


def _key(name: str) -> str:
    return re.sub(r"[\s_-]+", " ", name.casefold()).strip()


def _first_sentence(text: str) -> str:
    text = " ".join(str(text or "").split())
    end = re.search(r"(?<=[a-z0-9)])\. ", text)
    sentence = text[: end.start() + 1] if end else text
    return sentence if len(sentence) <= MAX_CHARS else sentence[: MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _github(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = _first_sentence(row.get("short_description", ""))
            if not text:
                continue
            for name in (row.get("display_name", ""), row.get("topic", "")):
                if name:
                    found.setdefault(_key(name), text)
    return found


def _microsoft(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in json.loads(path.read_text(encoding="utf-8")).items():
        for source in value.get("sources", []):
            text = _first_sentence(source.get("shortDescription", ""))
            if text:
                for name in (key, source.get("displayName", "")):
                    if name:
                        found.setdefault(_key(name), text)
                break
    return found


def _esco(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = _first_sentence(row.get("description", ""))
            if text and row.get("preferred_label"):
                found.setdefault(_key(row["preferred_label"]), text)
    return found


def build_descriptions(entries: Sequence[TaxonomyEntry], data_dir: Path) -> dict[str, str]:
    """A description for each skill that one of the public lists describes, by name then alias."""
    skills = data_dir / "skills"
    tables = []
    for reader, name in ((_github, "github_topics.csv"), (_microsoft, "microsoft_skills.json"), (_esco, "esco_skills_en.csv")):
        path = skills / name
        if path.is_file():
            tables.append(reader(path))
        else:
            logger.warning("no %s: its descriptions are left out", path)
    out: dict[str, str] = {}
    for entry in entries:
        for table in tables:
            text = next((table[_key(n)] for n in entry.names if _key(n) in table), None)
            if text:
                out[entry.skill] = text
                break
    return out


def write_descriptions(descriptions: dict[str, str], path: Path = DEFAULT_DESCRIPTIONS_PATH) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["skill", "description"])
        for skill in sorted(descriptions, key=lambda s: (s.casefold(), s)):
            writer.writerow([skill, descriptions[skill]])


@lru_cache(maxsize=4)
def load_descriptions(path: Path = DEFAULT_DESCRIPTIONS_PATH) -> dict[str, str]:
    """Skill → description (empty when the file is missing: matching then uses names only)."""
    if not path.is_file():
        logger.warning("no skill descriptions at %s; partial matches use skill names only", path)
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["skill"]: row["description"] for row in csv.DictReader(handle) if row.get("skill")}


def describe(skill: str, descriptions: dict[str, str]) -> str:
    """What is encoded for a skill: "Name: description", or the name alone."""
    text = descriptions.get(skill)
    return f"{skill}: {text}" if text else skill
