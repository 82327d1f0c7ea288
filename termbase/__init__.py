"""termbase: the glossary, its validation, and term matching in Chinese and English."""
from .errors import (EngineError, GlossaryError, InputError, ModelUnavailableError, OutputError,
                     TermtransError)
from .glossary import (COLUMNS, Entry, Glossary, Problem, add_entry, bundled_glossary_path,
                       default_glossary_path, load_glossary, parse_glossary, save_glossary,
                       serialize_glossary, validate_glossary)
from .zh_match import TermMatch, ZhMatcher, find_terms, line_col, matcher_for
from .en_match import EnMatch, EnMatcher, find_rendering, has_approved, tokenize_en
from .search import SearchHit, search_glossary

__version__ = "0.1.0"

__all__ = [
    "COLUMNS", "Entry", "EnMatch", "EnMatcher", "EngineError", "Glossary", "GlossaryError",
    "InputError", "ModelUnavailableError", "OutputError", "Problem", "SearchHit", "TermMatch",
    "TermtransError", "ZhMatcher", "__version__", "add_entry", "bundled_glossary_path",
    "default_glossary_path", "find_rendering", "find_terms", "has_approved", "line_col",
    "load_glossary", "matcher_for", "parse_glossary", "save_glossary", "search_glossary",
    "serialize_glossary", "tokenize_en", "validate_glossary",
]
