"""The translation table of the report: every text a reader sees, in Dutch and in English.

The texts live in ``data/texts.toml`` (``key = {nl = ..., en = ...}`` in
sections); :func:`text` looks one up by ``"section.key"`` and fills in its
``{names}``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

__all__ = ["LANGS", "check_lang", "text", "texts"]

LANGS = ("nl", "en")


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
