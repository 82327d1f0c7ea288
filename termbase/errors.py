"""The small hierarchy of errors that termtrans raises.

The library raises these; ``cli.py`` turns them into one-line messages in one place.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Union


class TermtransError(Exception):
    """Base class of every error termtrans raises on purpose."""

    exit_code = 2


class InputError(TermtransError):
    """Bad input: unreadable, undecodable, malformed or hostile file.

    ``str(err)`` is ``FILE:LINE: message`` (or ``FILE: message`` when no line applies).
    """

    def __init__(self, path: Union[str, Path, None], message: str, line: Optional[int] = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.message = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class GlossaryError(InputError):
    """A glossary file that cannot be used (structure, encoding, conflicts)."""


class OutputError(TermtransError):
    """An output that may not be written (exists, same as input, unwritable)."""


class ModelUnavailableError(TermtransError):
    """The translation model cannot be loaded (not cached, offline, bad path)."""


class EngineError(TermtransError):
    """An engine failed or is unknown."""
