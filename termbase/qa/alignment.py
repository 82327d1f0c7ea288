"""Alignment gaps of two files with different paragraph counts (see :mod:`termbase.aligned.align`)."""
from __future__ import annotations

from typing import Iterable

from ..aligned import SegmentPair
from .base import SOURCE, TARGET, CheckContext, Issue, SegmentCheck

MISSING = "missing-translation"
EXTRA = "extra-paragraph"


class MissingTranslation(SegmentCheck):
    """A source paragraph that no paragraph of the target file translates."""

    id = MISSING
    severity = "error"
    description = "a paragraph of the source file has no translation in the target file"

    def check_segment(self, pair: SegmentPair, ctx: CheckContext) -> Iterable[Issue]:
        if pair.gap == MISSING:
            yield self.issue(pair, SOURCE, 0, len(pair.source),
                             pair.note or "this paragraph has no translation",
                             "translate the paragraph where the note says (or split the English "
                             "paragraph that covers it)")


class ExtraParagraph(SegmentCheck):
    """A target paragraph that translates no paragraph of the source file."""

    id = EXTRA
    severity = "warning"
    description = "a paragraph of the target file translates no paragraph of the source file"

    def check_segment(self, pair: SegmentPair, ctx: CheckContext) -> Iterable[Issue]:
        if pair.gap == EXTRA:
            yield self.issue(pair, TARGET, 0, len(pair.target),
                             pair.note or "this paragraph translates nothing in the source",
                             "delete it, or add the source paragraph it translates")
