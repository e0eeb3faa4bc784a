"""Prompt files, read at run time so that a prompt can be changed without touching code.

Each file opens with an HTML comment naming the variables it takes, e.g.
`<!-- variables: question, documents -->`; `load_prompt` strips that header, `prompt_variables`
reads it.
"""

from __future__ import annotations

import re
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent
_HEADER = re.compile(r"\A\s*<!--\s*variables:(?P<names>[^>]*)-->\s*\n?")


def _read(name: str) -> str:
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"no prompt named {name!r} in {PROMPTS_DIR}")
    return path.read_text(encoding="utf-8")


def load_prompt(name: str) -> str:
    """The text of `prompts/<name>.md` without its variables header (read fresh on every call)."""
    return _HEADER.sub("", _read(name), count=1).strip() + "\n"


def prompt_variables(name: str) -> list[str]:
    """The variables `prompts/<name>.md` declares in its header (empty when it takes none)."""
    match = _HEADER.match(_read(name))
    if not match:
        return []
    return [v.strip() for v in match.group("names").split(",") if v.strip() and v.strip() != "none"]
