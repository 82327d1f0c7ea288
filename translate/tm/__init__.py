"""Translation memory: earlier translations reused before machine translation.

A :class:`TranslationMemory` holds (Chinese source, English target) units loaded from TMX, XLIFF
or TSV/CSV pairs (:func:`load_tm`, through :mod:`termbase.aligned`'s readers). Lookups compare
sources after :func:`match_key` normalisation (whitespace, full/half width, Traditional/Simplified):
an **exact** match is reused as it is, a **fuzzy** match (rapidfuzz ratio on the normalised text,
default threshold 75) is offered, and used as a draft only when asked, with its glossary terms
repaired to the approved renderings (:mod:`.repair`).
"""
from __future__ import annotations

from .memory import (DEFAULT_THRESHOLD, TMMatch, TMUnit, TranslationMemory, match_key)
from .loading import TM_FORMATS, load_tm

#: where a segment's English came from (XLIFF 1.2 ``state-qualifier`` values)
EXACT_MATCH = "exact-match"          # TM source identical to the segment, character for character
LEVERAGED_TM = "leveraged-tm"        # TM source equal after normalisation (spaces, width, script)
FUZZY_MATCH = "fuzzy-match"          # a fuzzy TM match used as the draft, terms repaired
LEVERAGED_MT = "leveraged-mt"        # machine translation (fresh or from the cache)
LEVERAGED_GLOSSARY = "leveraged-glossary"  # the segment is a glossary term
#: a segment left for the translator (engine ``none``: no TM or glossary match)
UNTRANSLATED = "untranslated"
ORIGINS = (EXACT_MATCH, LEVERAGED_TM, FUZZY_MATCH, LEVERAGED_MT, LEVERAGED_GLOSSARY, UNTRANSLATED)

__all__ = ["DEFAULT_THRESHOLD", "EXACT_MATCH", "FUZZY_MATCH", "LEVERAGED_GLOSSARY", "LEVERAGED_MT",
           "LEVERAGED_TM", "ORIGINS", "TMMatch", "TMUnit", "TM_FORMATS", "TranslationMemory",
           "UNTRANSLATED", "load_tm", "match_key"]
