"""The codebook: the questionnaire as data.

The default codebook (``data/common_eye.toml``) describes the Common Eye
reflection questionnaire: five conditions, 21 items, the answer scale, levels,
sectors, leerlabs with their synonyms, and the success factors and pitfalls of
the practice lessons with our item -> success-factor mapping. A researcher can
pass a TOML file of their own with the same structure; it is validated when
read, every value checked for its type (:class:`~analyse.CodebookError` names
the key path, what was found and what is expected).

Platform knowledge is not the questionnaire's and lives in ``data/platforms.toml``:
``[columns]``, the header names of metadata, personal-data and bookkeeping
columns and the values of those bookkeeping columns (previews, unfinished
responses), and ``[questions]``, the words that name a metadata role in a
question a school wrote itself. It extends every codebook, never replaced by
it: ``raw["columns"]`` and ``raw["questions"]`` hold per key the built-in words
followed by the codebook's own additions in a table of the same name (a
codebook may add keys of its own). Likewise a codebook's ``[scale.no_answer]``
labels are extended with the built-in ones of ``common_eye.toml``, except a
built-in no-answer label the codebook lists under ``[scale.labels]``: there the
researcher's score wins.

A statement may carry ``reverse = true`` (a negatively worded statement: it is
scored max + min - answer on its own scale when loaded, so every statistic sees
keyed scores) and a scale of its own, ``scale = { points = [...], labels =
{...}, point_labels = { nl = [...], en = [...] } }``, shaped as ``[scale]``
(its answers are read with its own labels and points; the no-answer labels of
``[scale.no_answer]`` hold for it too). A condition's score is the mean of its
statements, so all statements of one condition must share one scale.
"""

from __future__ import annotations

import copy
import re
import tomllib
import unicodedata
from collections.abc import Callable
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
    ``code, condition, nl, en, reverse``; ``conditions`` has ``code, nl, en,
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
    #: item code -> its own validated scale table, for the statements that have one.
    item_scales: dict = field(default_factory=dict, repr=False)

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
        return [float(p) for p in self.raw["scale"].get("agree", [])]

    @property
    def disagree_points(self) -> list[float]:
        return [float(p) for p in self.raw["scale"].get("disagree", [])]

    def point_labels(self, lang: str = "nl") -> list[str]:
        return list(self.raw["scale"]["point_labels"][_lang(lang)])

    # ----------------------------------------------------------- per statement
    def points_of(self, item: str) -> np.ndarray:
        """The scores of a statement's answer scale: its own, else the codebook's."""
        scale = self.item_scales.get(item)
        return self.scale_points if scale is None else np.asarray(scale["points"], dtype=float)

    def point_labels_of(self, item: str, lang: str = "nl") -> list[str]:
        scale = self.item_scales.get(item)
        return self.point_labels(lang) if scale is None else list(scale["point_labels"][_lang(lang)])

    def answer_labels_of(self, item: str) -> dict[str, float]:
        """:attr:`answer_labels` of a statement's own scale (the codebook's when it has none)."""
        return self._own_answer_labels.get(item, self.answer_labels)

    @cached_property
    def _own_answer_labels(self) -> dict[str, dict[str, float]]:
        no_answer = self.raw["scale"]["no_answer"]["labels"]
        return {item: _answer_map(scale, no_answer) for item, scale in self.item_scales.items()}

    @property
    def reversed_items(self) -> list[str]:
        """Codes of the statements scored in reverse (``reverse = true``), in questionnaire order."""
        return self.items.loc[self.items["reverse"], "code"].tolist()

    @property
    def one_scale(self) -> bool:
        """Whether every statement is on the codebook's ``[scale]`` (no statement has other points)."""
        return all(np.array_equal(self.points_of(i), self.scale_points) for i in self.item_scales)

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
        return _answer_map(self.raw["scale"], self.raw["scale"]["no_answer"]["labels"])

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


def _answer_map(scale: dict, no_answer: list[str]) -> dict[str, float]:
    """Normalised answer label -> score of one scale table; its point labels too, no-answer labels NaN."""
    out = {normalise(k): float(v) for k, v in scale["labels"].items()}
    for lang in ("nl", "en"):
        for label, point in zip(scale["point_labels"][lang], scale["points"]):
            out.setdefault(normalise(label), float(point))
    out.update({normalise(k): np.nan for k in no_answer})
    return out


def _lang(lang: str) -> str:
    if lang not in ("nl", "en"):
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    return lang


# ---------------------------------------------------------------- type checks
@dataclass(frozen=True)
class _Type:
    """What a codebook value must be: a test and its description for the error message."""

    expected: str
    ok: Callable[[object], bool]
    element: _Type | None = None     # for lists: what each value must be


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


TEXT = _Type("a non-empty string", lambda v: isinstance(v, str) and v.strip() != "")
STRING = _Type("a string", lambda v: isinstance(v, str))
WHOLE = _Type("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool))
NUMBER = _Type("a number", _is_number)
BOOLEAN = _Type("true or false", lambda v: isinstance(v, bool))
TEXTS = _Type("a list of strings", lambda v: isinstance(v, list), TEXT)
NUMBERS = _Type("a list of numbers", lambda v: isinstance(v, list), NUMBER)


def _table_of(what: str) -> _Type:
    return _Type(f"a table {what}", lambda v: isinstance(v, dict))


def _found(v: object) -> str:
    """A value as the error message names it, in TOML's words."""
    if isinstance(v, bool):
        return f"the boolean {str(v).lower()}"
    if isinstance(v, int):
        return f"the integer {v}"
    if isinstance(v, float):
        return f"the number {v:g}"
    if isinstance(v, str):
        return "an empty string" if not v.strip() else f"the string {_short(v)}"
    if isinstance(v, list):
        return "an empty list" if not v else f"the list {_short(v)}"
    if isinstance(v, dict):
        return f"a table ({', '.join(v) or 'empty'})"
    return f"the {type(v).__name__} {v}"   # TOML dates and times


def _short(v: object) -> str:
    r = repr(v)
    return r if len(r) <= 60 else r[:56] + " ..." + r[-1]


def _check(value: object, kind: _Type, name: str, source: str) -> object:
    """Return ``value`` if it is of ``kind``; else raise a CodebookError naming the key path ``name``."""
    if not kind.ok(value):
        raise CodebookError(f"{source}: {name} must be {kind.expected}, not {_found(value)}")
    if kind.element is not None:
        for i, v in enumerate(value, start=1):
            if not kind.element.ok(v):
                raise CodebookError(f"{source}: {name} value {i} must be {kind.element.expected}, "
                                    f"not {_found(v)}")
    return value


def _checked(table: dict, key: str, kind: _Type, where: str, source: str, default: object = None) -> object:
    """``table[key]`` checked against ``kind``; an absent key is set to ``default`` first (if given).

    ``where`` is the key path of ``table`` (``"[scale]"``, ``"[[levels]] entry 2 (management):"``);
    empty for the top level, whose tables are named ``[key]``.
    """
    if default is not None:
        table.setdefault(key, default)
    return _check(table[key], kind, f"{where} {key}" if where else f"[{key}]", source)


def _extend(base: list[str], extra: list[str]) -> list[str]:
    """``base`` followed by the values of ``extra`` it lacks (compared after normalise), order kept."""
    out, seen = list(base), {normalise(v) for v in base}
    for v in extra:
        if normalise(v) not in seen:
            out.append(v)
            seen.add(normalise(v))
    return out


# ---------------------------------------------------------------- tables of entries
_NAMED = {"code": TEXT, "nl": TEXT, "en": TEXT}
# [[key]] -> (required fields, optional fields with a factory of their default)
_ENTRIES: dict[str, tuple[dict[str, _Type], dict[str, tuple[_Type, Callable[[], object]]]]] = {
    "conditions": (_NAMED, {"question_nl": (STRING, str), "question_en": (STRING, str),
                            "aspects_nl": (TEXTS, list), "aspects_en": (TEXTS, list)}),
    "items": ({"code": TEXT, "condition": TEXT, "nl": TEXT, "en": TEXT},
              {"reverse": (BOOLEAN, lambda: False), "scale": (_table_of("with points = [...]"), dict)}),
    "levels": (_NAMED, {"synonyms": (TEXTS, list)}),
    "sectors": (_NAMED, {"synonyms": (TEXTS, list)}),
    "leerlabs": (_NAMED, {"synonyms": (TEXTS, list)}),
    "success_factors": ({"code": TEXT, "condition": TEXT, "nl": TEXT, "en": TEXT, "items": TEXTS}, {}),
    "pitfalls": ({"condition": TEXT, "number": WHOLE, "nl": TEXT, "en": TEXT}, {}),
    "phases": ({"number": WHOLE, "nl": TEXT, "en": TEXT}, {}),
}


# Entries whose unknown keys are refused: a misspelt key of a statement (``revers = true``) would
# silently leave its scores unreversed.
_CLOSED = {"items"}


def _entries(raw: dict, key: str, source: str) -> pd.DataFrame:
    """The ``[[key]]`` array of tables as a DataFrame, every field checked and optional ones filled in."""
    required, optional = _ENTRIES[key]
    rows = raw.get(key)
    if not isinstance(rows, list) or not rows:
        found = "" if rows is None else f", not {_found(rows)}"
        raise CodebookError(f"{source}: the codebook needs a non-empty [[{key}]] list{found}")
    out = []
    for i, row in enumerate(rows, start=1):
        _check(row, _table_of("with " + ", ".join(required)), f"[[{key}]] entry {i}", source)
        missing = [k for k in required if k not in row]
        if missing:
            raise CodebookError(f"{source}: [[{key}]] entry {i} lacks {', '.join(missing)}")
        code = row.get("code")
        where = f"[[{key}]] entry {i}" + (f" ({code})" if TEXT.ok(code) else "") + ":"
        row = dict(row)
        for k, kind in required.items():
            _checked(row, k, kind, where, source)
        if "code" in required:
            _check_code(row["code"], f"[[{key}]] entry {i}", source)
        for k, (kind, default) in optional.items():
            _checked(row, k, kind, where, source, default())
        unknown = [k for k in row if k not in required and k not in optional]
        if key in _CLOSED and unknown:
            raise CodebookError(f"{source}: {where} unknown key {unknown[0]!r}; a statement takes "
                                f"{', '.join([*required, *optional])}: check the spelling")
        out.append(row)
    return pd.DataFrame(out)


# Names Windows reserves for devices, with or without an extension: a file of that name cannot be made.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_CODE_LENGTH = 64


def _check_code(code: str, where: str, source: str) -> None:
    """Refuse a code that cannot safely be part of a file name (codes name figures and folders)."""
    problem = ("holds a slash or backslash" if "/" in code or "\\" in code
               else "holds '..'" if ".." in code
               else "starts with a dot" if code.startswith(".")
               else f"is longer than {MAX_CODE_LENGTH} characters" if len(code) > MAX_CODE_LENGTH
               else "holds a character that cannot be printed" if not code.isprintable()
               else "is a name Windows reserves for a device" if code.split(".")[0].strip().lower() in _RESERVED
               else "")
    if problem:
        raise CodebookError(f"{source}: {where}: code {_short(code)} {problem}; codes become file names, "
                            "so use letters, digits, spaces, '-' and '_'")


def _check_unique(table: pd.DataFrame, key: str, what: str, source: str) -> None:
    dup = table[key][table[key].duplicated()].tolist()
    if dup:
        raise CodebookError(f"{source}: {what} codes must be unique; repeated: {', '.join(map(str, dup))}")


# ---------------------------------------------------------------- reading
def load_codebook(path: str | Path | Codebook | None = None) -> Codebook:
    """Read and validate a codebook; ``None`` gives the Common Eye default.

    Every codebook is extended with the built-in platform knowledge
    (``data/platforms.toml``): its ``[columns]`` and ``[questions]`` lists are
    the built-in ones followed by the codebook's own additions, and its ``[scale.no_answer]``
    labels are its own followed by the built-in no-answer labels of
    ``common_eye.toml`` - except a built-in no-answer label that the codebook
    lists under ``[scale.labels]``: a researcher's score wins.

    Raises :class:`analyse.CodebookError` naming the file and the problem; a
    value of the wrong type names its key path, what was found and what is
    expected.
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


@cache
def _builtin(name: str) -> dict:
    """A built-in TOML file of ``data/``, parsed once; callers copy what they change."""
    text = resources.files("analyse").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return _parse(text, f"{name} (built in)")


def _parse(text: str, source: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CodebookError(f"{source}: not valid TOML ({exc})") from None


# The tables of platforms.toml: key -> lists of words; a codebook's table of the same name adds to them.
_PLATFORM = ("columns", "questions")


@cache
def _platform(table: str) -> dict[str, list[str]]:
    """A built-in table of platforms.toml, checked once."""
    return _word_lists(_builtin("platforms.toml"), table, "platforms.toml (built in)")


def _word_lists(raw: dict, table: str, source: str) -> dict[str, list[str]]:
    """The table ``[table]`` of ``raw`` (empty if absent), checked: a list of words per key."""
    lists = _checked(raw, table, _table_of("of key = [words]"), "", source, {})
    for key in lists:
        _checked(lists, key, TEXTS, f"[{table}]", source)
    return lists


def _read_codebook(path: str | Path | None) -> Codebook:
    if path is None:
        source = "common_eye.toml (built in)"
        raw = copy.deepcopy(_builtin("common_eye.toml"))
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CodebookError(f"{source}: cannot read the codebook ({exc.strerror})") from None
        except UnicodeDecodeError as exc:
            raise CodebookError(f"{source}: the codebook is not UTF-8 text (byte {exc.start + 1} is not); "
                                "save it as UTF-8") from None
        raw = _parse(text, source)

    tables = {key: _entries(raw, key, source) for key in _ENTRIES}
    conditions, items, factors, pitfalls = (tables[k] for k in ("conditions", "items", "success_factors", "pitfalls"))
    for key, what in [("conditions", "condition"), ("items", "item"), ("levels", "level"),
                      ("sectors", "sector"), ("leerlabs", "leerlab"), ("success_factors", "success factor")]:
        _check_unique(tables[key], "code", what, source)

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
    item_condition = dict(zip(items["code"], items["condition"]))
    for row in factors.itertuples():
        unknown = [i for i in row.items if i not in item_condition]
        if unknown:
            raise CodebookError(f"{source}: success factor {row.code!r} names unknown item(s) {', '.join(unknown)}")
        wrong_cond = [i for i in row.items if item_condition[i] != row.condition]
        if wrong_cond:
            raise CodebookError(f"{source}: success factor {row.code!r} ({row.condition}) lists item(s) "
                                f"{', '.join(wrong_cond)} of another condition")

    _check_scale(raw, source)
    item_scales = _item_scales(items, raw["scale"], source)
    items = items.drop(columns="scale")
    _checked(_checked(raw, "comments", _table_of("with headers = [...]"), "", source, {}),
             "headers", TEXTS, "[comments]", source, [])
    for table in _PLATFORM:
        user, builtin = _word_lists(raw, table, source), _platform(table)
        raw[table] = {key: _extend(builtin.get(key, []), user.get(key, [])) for key in {**builtin, **user}}

    return Codebook(source=source, raw=raw, conditions=conditions, items=items, success_factors=factors,
                    pitfalls=pitfalls, phases=tables["phases"], levels=tables["levels"],
                    sectors=tables["sectors"], leerlabs=tables["leerlabs"], item_scales=item_scales)


def _check_scale(raw: dict, source: str) -> None:
    """Check ``[scale]`` and fill in its defaults; extend its no-answer labels with the built-in ones."""
    scale = raw.get("scale")
    if scale is None or (isinstance(scale, dict) and "points" not in scale):
        raise CodebookError(f"{source}: the codebook needs [scale] with points = [...]")
    _check(scale, _table_of("with points = [...]"), "[scale]", source)
    points = _check_points(scale, "[scale]", source)
    for key in ("agree", "disagree"):
        stray = [p for p in _checked(scale, key, NUMBERS, "[scale]", source, []) if p not in points]
        if stray:
            raise CodebookError(f"{source}: [scale] {key} lists {stray}, which are not scale points {points}")
    if "dual_scale" in scale and (_check(scale["dual_scale"], WHOLE, "[scale] dual_scale", source) < 1):
        raise CodebookError(f"{source}: [scale] dual_scale must be a scale number such as 1 or 2")
    no_answer = _checked(scale, "no_answer", _table_of("with labels = [...]"), "[scale]", source, {})
    own = _checked(no_answer, "labels", TEXTS, "[scale.no_answer]", source, [])
    scored = {normalise(k) for k in scale["labels"]}
    builtin = _builtin("common_eye.toml")["scale"]["no_answer"]["labels"]
    no_answer["labels"] = _extend(own, [v for v in builtin if normalise(v) not in scored])


def _check_points(scale: dict, name: str, source: str) -> list:
    """Check a scale table's points, labels and point labels (filling in defaults); return its points.

    ``name`` is the table's key path: ``[scale]``, whose sub-tables are
    ``[scale.labels]``, or a statement's ``... scale``, whose are ``... scale.labels``.
    """
    def sub(key: str) -> str:
        return f"[scale.{key}]" if name == "[scale]" else f"{name}.{key}"

    points = _checked(scale, "points", NUMBERS, name, source)
    if len(points) < 2 or sorted(points) != list(points) or len(set(points)) != len(points):
        raise CodebookError(f"{source}: {name} points must be at least two ascending distinct numbers, got {points}")
    labels = _checked(scale, "labels", _table_of("of label = score"), name, source, {})
    for k, v in labels.items():
        if _check(v, NUMBER, f"{sub('labels')} {k!r}", source) not in points:
            raise CodebookError(f"{source}: {sub('labels')} maps {k!r} to {v}, which is not a scale point {points}")
    pl = _checked(scale, "point_labels", _table_of("with nl = [...] and en = [...]"), name, source, {})
    for lang in ("nl", "en"):
        if len(_checked(pl, lang, TEXTS, sub("point_labels"), source, [str(p) for p in points])) != len(points):
            raise CodebookError(f"{source}: {sub('point_labels')} {lang} needs {len(points)} labels, one per point")
    return points


#: The keys of a statement's own scale: the answer scale itself; agree points, no-answer labels and
#: dual_scale are the codebook's.
_ITEM_SCALE_KEYS = ("points", "labels", "point_labels")


def _item_scales(items: pd.DataFrame, scale: dict, source: str) -> dict[str, dict]:
    """The statements' own scales, checked; refuse a reversal off its scale and a condition of mixed scales."""
    own = {}
    for i, row in enumerate(items.itertuples(), start=1):
        where = f"[[items]] entry {i} ({row.code}):"
        if row.scale:
            unknown = [k for k in row.scale if k not in _ITEM_SCALE_KEYS]
            if unknown:
                raise CodebookError(f"{source}: {where} scale has unknown key {unknown[0]!r}; a statement's scale "
                                    f"takes {', '.join(_ITEM_SCALE_KEYS)} (agree points and no-answer labels "
                                    "are the codebook's [scale])")
            if "points" not in row.scale:
                raise CodebookError(f"{source}: {where} scale needs points = [...], e.g. "
                                    "scale = { points = [1, 2, 3, 4, 5, 6, 7] }")
            _check_points(row.scale, f"{where} scale", source)
            own[row.code] = row.scale
        points = np.asarray((row.scale or scale)["points"], dtype=float)
        # max + min - x must land on a point again, or a reversed answer would be off the scale
        if row.reverse and not np.allclose(points + points[::-1], points[0] + points[-1], rtol=0, atol=1e-12):
            raise CodebookError(f"{source}: {where} reverse = true needs a scale whose points lie symmetrically "
                                f"around its midpoint (max + min - answer is then a point again), not "
                                f"{[float(p) if p % 1 else int(p) for p in points]}; give the statement such a "
                                "scale or remove reverse")
    for condition, group in items.groupby("condition", sort=False):
        kinds = {}
        for code in group["code"]:
            kinds.setdefault(tuple((own.get(code) or scale)["points"]), []).append(code)
        if len(kinds) > 1:
            said = "; ".join(f"{', '.join(codes)} on {list(points)}" for points, codes in kinds.items())
            raise CodebookError(f"{source}: condition {condition!r} mixes answer scales ({said}); a condition's "
                                "score is the mean of its statements, so give them one scale, or put a statement "
                                "on another scale in a condition of its own")
    return own
