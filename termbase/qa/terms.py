"""Terminology checks: glossary terms left unrendered, forbidden renderings, near-miss variants."""
from __future__ import annotations

from typing import Iterable, List

from ..aligned import SegmentPair
from ..en_match import APPROVED, FORBIDDEN, EnMatcher
from .base import SOURCE, TARGET, CheckContext, Issue, SegmentCheck


def _alternatives(entry) -> str:
    rest = [f"'{r}'" for r in entry.en[1:]]
    return f" (also approved: {', '.join(rest)})" if rest else ""


def _shorter_terms(matched: str, ctx: CheckContext) -> tuple:
    """The entries of the glossary keys inside the source term ``matched`` (shorter than it), in
    the order the Chinese matcher finds them (kept per distinct term)."""
    cache = ctx.shared("shorter-terms", dict)
    hit = cache.get(matched)
    if hit is None:
        from ..normalize import normalize_zh

        matcher = ctx.zh_matcher()
        norm = normalize_zh(matched)
        hit = cache[matched] = tuple(matcher.entry_for(norm[i:i + k])
                                     for i, lengths in matcher.candidates(norm)
                                     for k in lengths if k < len(norm))
    return hit


def _nested_rendered(t, pair: SegmentPair, ctx: CheckContext) -> List[tuple]:
    """``(entry, rendering)`` of the shorter glossary terms inside the term ``t`` whose approved
    rendering the target has (重庆 rendered as "Chongqing" inside a missing 重庆市政府外事办公室)."""
    shorter = _shorter_terms(t.matched, ctx)
    if not shorter:
        return []
    out, seen = [], {id(t.entry)}
    en_of = ctx.shared("nested-en-matchers", dict)  # id(entry) -> (entry, its approved matcher)
    for entry in shorter:
        if id(entry) in seen:
            continue
        seen.add(id(entry))
        hit = en_of.get(id(entry))
        if hit is None:
            hit = en_of[id(entry)] = (entry, EnMatcher.for_glossary([entry], forbidden=False))
        found = hit[1].find(pair.target, ctx.en_tokens(pair))
        if found:
            out.append((entry, found[0].matched))
    return out


class _TermCheck(SegmentCheck):
    """A terminology check: it works with the glossary's matchers, built once in :meth:`prepare`."""

    needs_matchers = True
    #: "all": the near-miss search runs on every segment (its index is decoded for every target
    #: before workers fork); "some": only where a term lacks its rendering; "": never
    uses_variants = "all"

    def prepare(self, ctx: CheckContext) -> None:
        if ctx.glossary is not None:
            from . import variants  # noqa: F401 - the near-miss search (and rapidfuzz), imported
            # once here rather than by the first segment (before workers fork)

            ctx.en_matcher()
            if self.uses_variants == "all" or (self.uses_variants and not ctx.compiled):
                ctx.prepare_variants()


class TermMissing(_TermCheck):
    """A glossary term in the source, none of its approved renderings in the target."""

    id = "term-missing"
    severity = "error"
    description = ("a glossary term in the source has none of its approved renderings in the target "
                   "(a leading article in a rendering is optional)")
    rules = {
        "term-missing": ("error", "none of the term's approved renderings is in the target"),
        "nested-term-only": ("error", "a longer term is missing, but a shorter glossary term inside "
                                      "it is rendered (the message names it)"),
    }
    #: a near miss of the rendering counts as rendered (reported by term-variant), so the search
    #: runs where a term lacks its rendering; with a compiled termbase nothing is built for it
    uses_variants = "some"

    def check_segment(self, pair: SegmentPair, ctx: CheckContext) -> Iterable[Issue]:
        if not pair.target.strip() or ctx.glossary is None:
            return
        terms = ctx.zh_terms(pair)
        if not terms:
            return
        matches = ctx.en_matches(pair)
        present = {id(m.entry) for m in matches}  # approved or forbidden: forbidden is its own issue
        if all(id(t.entry) in present for t in terms):
            return
        variants = {id(v.entry) for v in TermVariant.variants(pair, ctx)}
        seen = set()
        for t in terms:
            key = id(t.entry)
            if key in seen or key in present or key in variants:
                continue
            seen.add(key)
            message = (f"「{t.matched}」 ({t.entry.term}) is not rendered as "
                       f"'{t.entry.preferred}'{_alternatives(t.entry)}")
            nested = _nested_rendered(t, pair, ctx)
            if nested:
                yield self.issue(pair, SOURCE, t.start, t.end,
                                 message + "; only the shorter term inside it is: "
                                 + ", ".join(f"「{n.term}」 as '{r}'" for n, r in nested),
                                 f"use '{t.entry.preferred}'", rule="nested-term-only")
                continue
            yield self.issue(pair, SOURCE, t.start, t.end, message, f"use '{t.entry.preferred}'")


class TermForbidden(_TermCheck):
    """A forbidden rendering in the target."""

    id = "term-forbidden"
    severity = "error"
    uses_variants = ""
    description = "the target uses a rendering the glossary forbids"

    def check_segment(self, pair: SegmentPair, ctx: CheckContext) -> Iterable[Issue]:
        if not pair.target or ctx.glossary is None:
            return
        matches = ctx.en_matches(pair)
        approved = [m for m in matches if m.kind == APPROVED]
        done = set()
        for m in matches:
            if m.kind != FORBIDDEN or (m.start, m.end) in done:
                continue
            if any(a.start <= m.start and m.end <= a.end and (a.end - a.start) > (m.end - m.start)
                   for a in approved):
                continue  # part of a longer approved rendering
            done.add((m.start, m.end))
            e = m.entry
            yield self.issue(pair, TARGET, m.start, m.end,
                             f"'{m.matched}' is a forbidden rendering of 「{e.term}」"
                             + (f": {e.note}" if e.note else ""),
                             f"use '{e.preferred}'")


class TermVariant(_TermCheck):
    """A close variant of an approved rendering that is not itself approved."""

    id = "term-variant"
    severity = "warning"
    description = ("the target holds a close variant of an approved rendering (whether or not the "
                   "source term is there)")

    @staticmethod
    def variants(pair: SegmentPair, ctx: CheckContext) -> List:
        if not pair.target or ctx.glossary is None:
            return []
        cache = ctx.shared("variant-hits", dict)
        hit = cache.get(pair.index)
        if hit is None:
            from .variants import deficit_variants

            tokens, matches = ctx.en_tokens(pair), ctx.en_matches(pair)
            hit = ctx.variant_index().find(pair.target, tokens, matches)
            terms = ctx.zh_terms(pair)
            if terms:
                hit = sorted(hit + deficit_variants(pair.target, tokens, terms, matches, hit),
                             key=lambda v: v.start)
            cache[pair.index] = hit
        return hit

    rules = {
        "wrong-case": ("error", "a case-sensitive rendering written in another case "
                                "(\"Talk In Chongqing\" for \"TALK IN Chongqing\")"),
        "misspelt-term": ("error", "a near miss of a rendering whose source term is in the segment "
                                   "(\"Huanglong Newsnett\", \"HKBA\" for \"HKMA\")"),
        "term-variant": ("warning", "a near miss of a rendering whose source term is not in the "
                                    "segment"),
    }

    def check_segment(self, pair: SegmentPair, ctx: CheckContext) -> Iterable[Issue]:
        variants = self.variants(pair, ctx)
        if not variants:
            return
        in_source = {id(t.entry) for t in ctx.zh_terms(pair)}
        for v in variants:
            if v.inflection:
                continue
            if v.text.lower() == v.rendering.lower() or (
                    v.score == 100.0 and getattr(v.entry, "case_sensitive", False)):
                rule, message = "wrong-case", (f"'{v.text}' is the rendering '{v.rendering}' of "
                                               f"「{v.entry.term}」 in the wrong case")
            elif id(v.entry) in in_source:
                rule, message = "misspelt-term", (
                    f"'{v.text}' looks like a misspelling of '{v.rendering}', the approved "
                    f"rendering of 「{v.entry.term}」 in the source")
            else:
                rule, message = "term-variant", (
                    f"'{v.text}' is close to the approved rendering '{v.rendering}' of "
                    f"「{v.entry.term}」 but is not itself approved")
            yield self.issue(pair, TARGET, v.start, v.end, message, f"use '{v.rendering}'",
                             rule=rule, severity=self.rules[rule][0])
