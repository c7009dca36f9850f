"""The translation table of the package: every text a reader sees, in Dutch and in English.

The texts live in ``data/texts.toml`` (``key = {nl = ..., en = ...}`` in
sections); :func:`text` looks one up by ``"section.key"`` and fills in its
``{names}``. The statistics write their notes in English from the ``[note]``
templates; :func:`translate_notes` puts a result table's notes in either
language.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache, lru_cache
from importlib import resources

import pandas as pd

__all__ = ["LANGS", "check_lang", "text", "texts", "translate_notes"]

LANGS = ("nl", "en")
_NAME = re.compile(r"\{(\w+)\}")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    return lang


@cache
def texts() -> dict[str, dict[str, str]]:
    """Every text of the table, keyed ``"section.key"``, each ``{"nl": ..., "en": ...}``."""
    raw = tomllib.loads(resources.files("analyse").joinpath("data/texts.toml").read_text(encoding="utf-8"))
    return {f"{section}.{key}": pair for section, entries in raw.items() for key, pair in entries.items()}


def text(key: str, lang: str, /, **values) -> str:
    """The text ``key`` ("section.key") in ``lang``, with ``{names}`` filled from ``values``."""
    return texts()[key][check_lang(lang)].format(**values)


@cache
def _note_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    """Each ``[note]`` template as a whole-text pattern, its ``{names}`` as groups: English first, then Dutch.

    Dutch patterns too, so that a note already in Dutch is read back as well (translating is idempotent).
    """
    notes = [(key, pair) for key, pair in texts().items() if key.startswith("note.")]
    return tuple((re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                                     for i, part in enumerate(_NAME.split(pair[lang])))), key)
                 for lang in ("en", "nl") for key, pair in notes)


@lru_cache(maxsize=4096)
def _translated(note: str, lang: str, strict: bool) -> str:
    parts = []
    for part in note.split("; "):
        match = next(((m, key) for pattern, key in _note_patterns() if (m := pattern.fullmatch(part))), None)
        if match is not None:
            parts.append(text(match[1], lang, **match[0].groupdict()))
        elif strict:
            raise ValueError(f"the note {part!r} matches no [note] template of texts.toml; add it there")
        else:
            parts.append(part)
    return "; ".join(parts)


def translate_notes(frame: pd.DataFrame, lang: str, *, strict: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` with its ``note`` column in ``lang``.

    Each note is split on ``"; "`` and every part read against the ``[note]``
    templates, then written again from the template in ``lang`` with the same
    values. A part that matches no template stays as it is, or with
    ``strict=True`` raises ValueError naming it. A frame without ``note`` is
    returned as a copy.

    Examples
    --------
    >>> import pandas as pd
    >>> translate_notes(pd.DataFrame({"note": ["n < 5; zero variance", ""]}), "nl")["note"].tolist()
    ['minder dan 5 respondenten; geen spreiding (variantie nul)', '']
    """
    check_lang(lang)
    out = frame.copy()
    if "note" in out:
        out["note"] = out["note"].map(lambda v: _translated(v, lang, strict) if isinstance(v, str) and v else v)
    return out
