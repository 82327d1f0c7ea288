"""Fuzzy search over both languages of a glossary (rapidfuzz)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

from .glossary import Entry, Glossary
from .normalize import has_cjk, normalize_zh


@dataclass(frozen=True)
class SearchHit:
    """A glossary entry scored against a query; ``field`` is the value that scored best."""

    score: float
    entry: Entry
    field: str


def search_glossary(glossary: Glossary, query: str, *, limit: int = 10,
                    min_score: float = 60.0) -> List[SearchHit]:
    """Entries whose Chinese variants or English renderings resemble ``query``, best first."""
    from rapidfuzz import fuzz, process, utils

    q = query.strip()
    if not q:
        return []
    choices: List[str] = []
    owners: List[Entry] = []
    originals: List[str] = []
    zh_query = has_cjk(q)
    for e in glossary:
        values = list(e.zh) + list(e.en) + list(e.forbidden)
        for v in values:
            choices.append(normalize_zh(v) if has_cjk(v) else v.lower())
            owners.append(e)
            originals.append(v)
    key = normalize_zh(q) if zh_query else q.lower()
    scorer = fuzz.WRatio
    found = process.extract(key, choices, scorer=scorer, limit=max(limit * 5, 50),
                            processor=None if zh_query else utils.default_process,
                            score_cutoff=min_score)
    best: Dict[int, SearchHit] = {}
    for _choice, score, idx in found:
        entry = owners[idx]
        prev = best.get(id(entry))
        if prev is None or score > prev.score:
            best[id(entry)] = SearchHit(round(float(score), 1), entry, originals[idx])
    hits = sorted(best.values(), key=lambda h: (-h.score, h.entry.line))
    return hits[:limit]
