"""Where termtrans keeps what it can rebuild: converted models, jieba's prefix dictionary, compiled
termbases."""
from __future__ import annotations

import os
from pathlib import Path


def cache_home() -> Path:
    """``$TERMTRANS_CACHE``, else ``$XDG_CACHE_HOME/termtrans``, else ``~/.cache/termtrans``."""
    explicit = os.environ.get("TERMTRANS_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path(os.path.expanduser("~")) / ".cache"
    return base / "termtrans"
