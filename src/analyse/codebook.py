"""The codebook: the questionnaire as data.

The default codebook (``data/common_eye.toml``) describes the Common Eye
reflection questionnaire: five conditions, 21 items, the answer scale, levels,
sectors, leerlabs with their synonyms, header names of metadata and personal
columns, and the success factors and pitfalls of the practice lessons with our
item -> success-factor mapping. A researcher can pass a TOML file of their own
with the same structure; it is validated when read.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import CodebookError

__all__ = ["Codebook", "load_codebook", "normalise"]

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "\u00a0": " "})


def normalise(text: object) -> str:
    """Fold a header or answer label to the form it is matched in.

    Unicode-normalised (NFKC), curly quotes made straight, diacritics removed,
    lower case, runs of whitespace collapsed, "&" read as "en", and trailing
    punctuation (``.:?!``) dropped. Safe for matching because none of these
    changes turns one statement or label of the codebook into another.

    >>> normalise("  Mee   EENS. ")
    'mee eens'
    >>> normalise("Het samenwerkingsverband creëert")
    'het samenwerkingsverband creeert'
    """
    s = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = re.sub(r"\s+", " ", s.replace("&", " en ")).strip().lower()
    return s.rstrip(".:?!; ").strip()


@dataclass(frozen=True)
class Codebook:
    """A validated questionnaire description (see module docstring).

    Tables are pandas DataFrames in questionnaire order; ``items`` has columns
    ``code, condition, nl, en``; ``conditions`` has ``code, nl, en,
    question_nl, question_en, aspects_nl, aspects_en``; ``success_factors`` has
    ``code, condition, nl, en, items``; ``pitfalls`` has ``condition, number,
    nl, en``.
    """

    source: str
    raw: dict = field(repr=False)
    conditions: pd.DataFrame = field(repr=False)
    items: pd.DataFrame = field(repr=False)
    success_factors: pd.DataFrame = field(repr=False)
    pitfalls: pd.DataFrame = field(repr=False)
    phases: pd.DataFrame = field(repr=False)
    levels: pd.DataFrame = field(repr=False)
    sectors: pd.DataFrame = field(repr=False)
    leerlabs: pd.DataFrame = field(repr=False)

    # ----------------------------------------------------------- convenience
    @property
    def item_codes(self) -> list[str]:
        return self.items["code"].tolist()

    @property
    def condition_codes(self) -> list[str]:
        return self.conditions["code"].tolist()

    @property
    def level_codes(self) -> list[str]:
        return self.levels["code"].tolist()

    @property
    def leerlab_codes(self) -> list[str]:
        return self.leerlabs["code"].tolist()

    @property
    def sector_codes(self) -> list[str]:
        return self.sectors["code"].tolist()

    def items_of(self, condition: str) -> list[str]:
        """Item codes of one condition, in questionnaire order."""
        return self.items.loc[self.items["condition"] == condition, "code"].tolist()

    @property
    def item_condition(self) -> dict[str, str]:
        return dict(zip(self.items["code"], self.items["condition"]))

    # ----------------------------------------------------------- scale
    @property
    def scale_points(self) -> np.ndarray:
        """The scores of the answer scale, ascending (e.g. ``[1, 2, 3, 4, 5]``)."""
        return np.asarray(self.raw["scale"]["points"], dtype=float)

    @property
    def n_options(self) -> int:
        """A, the number of answer options (used by rwg and AD cut-offs)."""
        return len(self.raw["scale"]["points"])

    @property
    def scale_min(self) -> float:
        return float(self.scale_points.min())

    @property
    def scale_max(self) -> float:
        return float(self.scale_points.max())

    @property
    def midpoint(self) -> float:
        return (self.scale_min + self.scale_max) / 2

    @property
    def agree_points(self) -> list[float]:
        return [float(p) for p in self.raw["scale"]["agree"]]

    @property
    def disagree_points(self) -> list[float]:
        return [float(p) for p in self.raw["scale"]["disagree"]]

    def point_labels(self, lang: str = "nl") -> list[str]:
        return list(self.raw["scale"]["point_labels"][_lang(lang)])

    @cached_property
    def header_items(self) -> dict[str, str]:
        """Normalised item code and Dutch and English statement -> item code (header recognition)."""
        return {normalise(s): row.code for row in self.items.itertuples() for s in (row.code, row.nl, row.en)}

    @cached_property
    def condition_names(self) -> dict[str, str]:
        """Normalised condition code and Dutch and English name -> condition code."""
        return {normalise(n): c for c, nl, en in zip(self.conditions["code"], self.conditions["nl"],
                                                     self.conditions["en"]) for n in (c, nl, en)}

    @cached_property
    def answer_labels(self) -> dict[str, float]:
        """Normalised answer label -> score; no-answer labels map to NaN."""
        out = {normalise(k): float(v) for k, v in self.raw["scale"]["labels"].items()}
        for lang in ("nl", "en"):
            for label, point in zip(self.raw["scale"]["point_labels"][lang], self.raw["scale"]["points"]):
                out.setdefault(normalise(label), float(point))
        out.update({normalise(k): np.nan for k in self.raw["scale"]["no_answer"]["labels"]})
        return out

    # ----------------------------------------------------------- labels
    def _table(self, kind: str) -> pd.DataFrame:
        tables = {"condition": self.conditions, "item": self.items, "level": self.levels,
                  "sector": self.sectors, "leerlab": self.leerlabs, "success_factor": self.success_factors}
        if kind not in tables:
            raise ValueError(f"kind must be one of {', '.join(tables)}, not {kind!r}")
        return tables[kind]

    def label(self, kind: str, code: str, lang: str = "nl") -> str:
        """Display label of a condition, item, level, sector, leerlab or success-factor code."""
        table = self._table(kind)
        row = table.loc[table["code"] == code]
        if row.empty:
            raise KeyError(f"{kind} {code!r} is not in the codebook")
        return str(row.iloc[0][_lang(lang)])

    def labels(self, kind: str, lang: str = "nl") -> dict[str, str]:
        """All display labels of one kind, code -> label, in codebook order."""
        table = self._table(kind)
        return dict(zip(table["code"], table[_lang(lang)]))

    # ----------------------------------------------------------- matching
    def synonyms(self, kind: str) -> dict[str, str]:
        """Normalised spelling -> code for levels, sectors or leerlabs."""
        table = self._table(kind)
        out: dict[str, str] = {}
        for row in table.itertuples():
            for s in [row.code, row.nl, row.en, *row.synonyms]:
                out[normalise(s)] = row.code
                out[normalise(re.sub(r"(?i)^leerlab\s+", "", s))] = row.code
        return out

    @cached_property
    def column_names(self) -> dict[str, list[str]]:
        """Metadata role -> normalised header names that identify it."""
        return {role: [normalise(n) for n in names] for role, names in self.raw["columns"].items()}

    @cached_property
    def comment_headers(self) -> list[str]:
        return [normalise(h) for h in self.raw["comments"]["headers"]]


def _lang(lang: str) -> str:
    if lang not in ("nl", "en"):
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    return lang


def _table(raw: dict, key: str, required: list[str], source: str) -> pd.DataFrame:
    rows = raw.get(key)
    if not isinstance(rows, list) or not rows:
        raise CodebookError(f"{source}: the codebook needs a non-empty [[{key}]] list")
    for i, row in enumerate(rows, start=1):
        missing = [k for k in required if k not in row]
        if missing:
            raise CodebookError(f"{source}: [[{key}]] entry {i} lacks {', '.join(missing)}")
    return pd.DataFrame(rows)


def _check_unique(table: pd.DataFrame, key: str, what: str, source: str) -> None:
    dup = table[key][table[key].duplicated()].tolist()
    if dup:
        raise CodebookError(f"{source}: {what} codes must be unique; repeated: {', '.join(map(str, dup))}")


def load_codebook(path: str | Path | Codebook | None = None) -> Codebook:
    """Read and validate a codebook; ``None`` gives the Common Eye default.

    Raises :class:`analyse.CodebookError` naming the file and the problem.
    """
    if isinstance(path, Codebook):
        return path
    if path is None:
        return _default_codebook()
    return _read_codebook(path)


@cache
def _default_codebook() -> Codebook:
    """The built-in codebook, read once: a Codebook never changes."""
    return _read_codebook(None)


def _read_codebook(path: str | Path | None) -> Codebook:
    if path is None:
        source = "common_eye.toml (built in)"
        text = resources.files("analyse").joinpath("data/common_eye.toml").read_text(encoding="utf-8")
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CodebookError(f"{source}: cannot read the codebook ({exc.strerror})") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CodebookError(f"{source}: not valid TOML ({exc})") from None

    conditions = _table(raw, "conditions", ["code", "nl", "en"], source)
    items = _table(raw, "items", ["code", "condition", "nl", "en"], source)
    levels = _table(raw, "levels", ["code", "nl", "en"], source)
    sectors = _table(raw, "sectors", ["code", "nl", "en"], source)
    leerlabs = _table(raw, "leerlabs", ["code", "nl", "en"], source)
    factors = _table(raw, "success_factors", ["code", "condition", "nl", "en", "items"], source)
    pitfalls = _table(raw, "pitfalls", ["condition", "number", "nl", "en"], source)
    phases = _table(raw, "phases", ["number", "nl", "en"], source)
    for table, what in [(conditions, "condition"), (items, "item"), (levels, "level"),
                        (sectors, "sector"), (leerlabs, "leerlab"), (factors, "success factor")]:
        _check_unique(table, "code", what, source)
    for table in (conditions,):
        for col in ("question_nl", "question_en"):
            if col not in table:
                table[col] = ""
        for col in ("aspects_nl", "aspects_en"):
            if col not in table:
                table[col] = [[] for _ in range(len(table))]
    for table in (levels, sectors, leerlabs):
        if "synonyms" not in table:
            table["synonyms"] = [[] for _ in range(len(table))]
        table["synonyms"] = table["synonyms"].apply(lambda v: list(v) if isinstance(v, list) else [])

    known = set(conditions["code"])
    bad = items.loc[~items["condition"].isin(known), ["code", "condition"]]
    if len(bad):
        code, cond = bad.iloc[0]
        raise CodebookError(f"{source}: item {code!r} names condition {cond!r}, which is not among [[conditions]]")
    empty = [c for c in conditions["code"] if not (items["condition"] == c).any()]
    if empty:
        raise CodebookError(f"{source}: condition(s) {', '.join(empty)} have no items")
    for table, what in [(factors, "success factor"), (pitfalls, "pitfall")]:
        wrong = table.loc[~table["condition"].isin(known), "condition"].tolist()
        if wrong:
            raise CodebookError(f"{source}: a {what} names unknown condition {wrong[0]!r}")
    item_codes = set(items["code"])
    for row in factors.itertuples():
        unknown = [i for i in row.items if i not in item_codes]
        if unknown:
            raise CodebookError(f"{source}: success factor {row.code!r} names unknown item(s) {', '.join(unknown)}")
        wrong_cond = [i for i in row.items if dict(zip(items['code'], items['condition']))[i] != row.condition]
        if wrong_cond:
            raise CodebookError(f"{source}: success factor {row.code!r} ({row.condition}) lists item(s) "
                                f"{', '.join(wrong_cond)} of another condition")

    scale = raw.get("scale")
    if not isinstance(scale, dict) or "points" not in scale:
        raise CodebookError(f"{source}: the codebook needs [scale] with points = [...]")
    points = scale["points"]
    if (len(points) < 2 or not all(isinstance(p, int | float) for p in points)
            or sorted(points) != list(points) or len(set(points)) != len(points)):
        raise CodebookError(f"{source}: [scale] points must be at least two ascending distinct numbers, got {points}")
    scale.setdefault("labels", {})
    scale.setdefault("agree", [])
    scale.setdefault("disagree", [])
    scale.setdefault("no_answer", {"labels": []})
    for key in ("agree", "disagree"):
        stray = [p for p in scale[key] if p not in points]
        if stray:
            raise CodebookError(f"{source}: [scale] {key} lists {stray}, which are not scale points {points}")
    stray = {k: v for k, v in scale["labels"].items() if v not in points}
    if stray:
        k, v = next(iter(stray.items()))
        raise CodebookError(f"{source}: [scale.labels] maps {k!r} to {v}, which is not a scale point {points}")
    pl = scale.setdefault("point_labels", {})
    for lang in ("nl", "en"):
        pl.setdefault(lang, [str(p) for p in points])
        if len(pl[lang]) != len(points):
            raise CodebookError(f"{source}: [scale.point_labels] {lang} needs {len(points)} labels, one per point")
    raw.setdefault("comments", {"headers": []})
    columns = raw.setdefault("columns", {})
    for role in ("respondent_id", "id_generic", "wave", "leerlab", "partner", "sector", "level", "personal"):
        columns.setdefault(role, [])

    return Codebook(source=source, raw=raw, conditions=conditions, items=items, success_factors=factors,
                    pitfalls=pitfalls, phases=phases, levels=levels, sectors=sectors, leerlabs=leerlabs)
