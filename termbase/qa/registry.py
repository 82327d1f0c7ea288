"""The checks termtrans knows, by id, and choosing among them (``--only`` / ``--skip``)."""
from __future__ import annotations

from importlib import import_module
from typing import Dict, Iterable, List, Optional

from ..errors import TermtransError
from .base import Check

#: check id -> "module:Class" (modules are imported when the check is used)
CHECKS: Dict[str, str] = {
    "term-missing": "termbase.qa.terms:TermMissing",
    "term-forbidden": "termbase.qa.terms:TermForbidden",
    "term-variant": "termbase.qa.terms:TermVariant",
    "inconsistent-target": "termbase.qa.consistency:InconsistentTarget",
    "inconsistent-source": "termbase.qa.consistency:InconsistentSource",
    "number-mismatch": "termbase.qa.numbers:NumberMismatch",
    "untranslated": "termbase.qa.untranslated:Untranslated",
    "typography": "termbase.qa.typography:Typography",
    "tag-mismatch": "termbase.qa.tags:TagMismatch",
    "placeholder-mismatch": "termbase.qa.placeholders:PlaceholderMismatch",
    "missing-translation": "termbase.qa.alignment:MissingTranslation",
    "extra-paragraph": "termbase.qa.alignment:ExtraParagraph",
    "inconsistent-term": "termbase.qa.term_consistency:InconsistentTerm",
}


class UnknownCheckError(TermtransError):
    """A check id that is not in :data:`CHECKS`."""


def check_class(check_id: str) -> type:
    """The class implementing ``check_id``."""
    try:
        module, name = CHECKS[check_id].split(":")
    except KeyError:
        raise UnknownCheckError(f"unknown check {check_id!r}; known checks: {', '.join(CHECKS)}") from None
    return getattr(import_module(module), name)


def select_checks(only: Optional[Iterable[str]] = None,
                  skip: Optional[Iterable[str]] = None) -> List[Check]:
    """Instances of the chosen checks, in registry order."""
    only_set = set(only or ())
    skip_set = set(skip or ())
    for c in only_set | skip_set:
        check_class(c)  # validates the id
    ids = [c for c in CHECKS if (not only_set or c in only_set) and c not in skip_set]
    return [check_class(c)() for c in ids]


def describe_checks() -> List[Dict[str, object]]:
    """id, default severity, description and rules (rule id, severity, what it finds) of every
    check."""
    out = []
    for cid in CHECKS:
        cls = check_class(cid)
        rules = [{"id": r, "severity": sev, "description": what}
                 for r, (sev, what) in getattr(cls, "rules", {}).items()]
        out.append({"id": cid, "severity": cls.severity, "description": cls.description,
                    "rules": rules})
    return out
