"""Column maps: what each header of an export holds, written once and reused for every wave.

A column map is a small TOML file a researcher can read and edit::

    # kolommen.toml
    dual_scale = 1                                  # optional: LimeSurvey dual-scale arrays

    [columns]
    "In welk leerlab werk je?" = "leerlab"
    "Naam van je school" = "partner"
    "We voeren een open gesprek over onze belangen." = "belangen_1"
    "Opmerkingen" = "ignore"

    [metadata]                                      # a value for every row of every file
    wave = "2025-voorjaar"

    ["*Groen*".metadata]                            # only files whose name matches the pattern
    leerlab = "Groen"

A meaning is an item code, a metadata role (``respondent_id``, ``wave``,
``leerlab``, ``partner``, ``sector``, ``level``), ``id_generic`` (numbers
responses, not people), platform bookkeeping (``status``, ``finished``,
``progress``, ``submitted``), ``comment_<condition>``, ``comment`` (the open
question after a condition's statements, whichever condition: for a header
the form repeats), ``personal`` or ``ignore``. Headers are matched after :func:`~analyse.codebook.normalise`
(case, spaces, accents); a pattern section (shell-style: ``*``, ``?``,
``[...]``, on the file name, case-insensitive) adds to and overrides the
general entries for the files it matches.

``analyse check FILE --write-map kolommen.toml`` writes what the loader
recognised (:func:`write_map`); ``an.load(..., columns="kolommen.toml")`` and
``--map kolommen.toml`` apply it.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .codebook import normalise
from .errors import SurveyError
from .texts import text

__all__ = ["METADATA_ROLES", "ColumnMap", "FileMap", "toml_string", "write_map"]

#: Roles that may be given as one value for every row of a file.
METADATA_ROLES = ["wave", "leerlab", "partner", "sector", "level"]


@dataclass
class FileMap:
    """The entries of a column map that apply to one file."""

    columns: dict[str, str] = field(default_factory=dict)  # normalised header -> meaning
    metadata: dict[str, str] = field(default_factory=dict)
    dual_scale: int | None = None

    def meaning(self, normalised_header: str) -> str | None:
        return self.columns.get(normalised_header)


@dataclass
class ColumnMap:
    """A column map: general entries and entries per file-name pattern (see the module docstring)."""

    columns: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    dual_scale: int | None = None
    sections: dict[str, ColumnMap] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def read(cls, path: str | Path) -> ColumnMap:
        """Read and check a column map file."""
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise SurveyError("column map not found; check the path", file=source) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SurveyError(f"cannot read the column map ({exc})", file=source) from None
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SurveyError(f"the column map is not valid TOML ({exc}); quote headers: \"Header text\" = "
                              "\"leerlab\"", file=source) from None
        return cls._parse(raw, source, top=True)

    @classmethod
    def _parse(cls, raw: dict, source: str, top: bool, where: str = "") -> ColumnMap:
        out = cls(source=source)
        for key, value in raw.items():
            here = f"{where}{key}"
            if key == "columns":
                out.columns = _strings(value, here, source)
            elif key == "metadata":
                out.metadata = _metadata(_strings(value, here, source), here, source)
            elif key == "dual_scale":
                if type(value) is not int or value < 1:
                    raise SurveyError(f"{here} must be a scale number such as 1 or 2, not {value!r}", file=source)
                out.dual_scale = value
            elif top and isinstance(value, dict):
                out.sections[key] = cls._parse(value, source, top=False, where=f"[{key!r}] ")
            else:
                raise SurveyError(f"unknown entry {here!r}: a column map has [columns], [metadata], dual_scale "
                                  "and sections per file-name pattern such as [\"*Groen*\".metadata]", file=source)
        return out

    @classmethod
    def from_arguments(cls, columns=None, metadata=None) -> ColumnMap:
        """The map given to :func:`analyse.load`: a path, a dict of header -> meaning, or a ColumnMap;
        ``metadata`` adds values for every row."""
        if columns is None:
            out = cls()
        elif isinstance(columns, ColumnMap):
            out = ColumnMap(dict(columns.columns), dict(columns.metadata), columns.dual_scale,
                            dict(columns.sections), columns.source)
        elif isinstance(columns, (str, Path)):
            out = cls.read(columns)
        elif isinstance(columns, dict):
            out = cls(columns=_strings(columns, "columns", "columns="), source="columns=")
        else:
            raise SurveyError(f"columns= must be a path to a column map, a dict of header -> meaning or a "
                              f"ColumnMap, not {type(columns).__name__}")
        if metadata:
            if not isinstance(metadata, dict):
                raise SurveyError(f"metadata= must be a dict such as {{'leerlab': 'Groen'}}, not "
                                  f"{type(metadata).__name__}")
            out.metadata = {**out.metadata, **_metadata(_strings(metadata, "metadata", "metadata="), "metadata",
                                                        "metadata=")}
        return out

    def for_file(self, path: str | Path) -> FileMap:
        """The general entries with those of every section whose pattern matches the file name."""
        name = Path(path).name.lower()
        out = FileMap({normalise(h): m for h, m in self.columns.items()}, dict(self.metadata), self.dual_scale)
        for pattern, section in self.sections.items():
            if fnmatch.fnmatchcase(name, pattern.lower()):
                out.columns.update({normalise(h): m for h, m in section.columns.items()})
                out.metadata.update(section.metadata)
                out.dual_scale = section.dual_scale or out.dual_scale
        return out


def _strings(value, where: str, source: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise SurveyError(f"{where} must be a table of \"header\" = \"meaning\" text entries, not {value!r}",
                          file=source)
    return dict(value)


def _metadata(values: dict[str, str], where: str, source: str) -> dict[str, str]:
    wrong = [k for k in values if k not in METADATA_ROLES]
    if wrong:
        raise SurveyError(f"{where} names {', '.join(map(repr, wrong))}; a value for every row can be given for "
                          f"{', '.join(METADATA_ROLES)}", file=source)
    blank = [k for k, v in values.items() if not v.strip()]
    if blank:
        raise SurveyError(f"{where} gives {blank[0]} an empty value", file=source)
    return {k: v.strip() for k, v in values.items()}


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (quotes, backslashes and control characters escaped)."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(c, f"\\u{ord(c):04x}"))
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _meaning(r) -> str:
    if r.kind == "item" or r.kind == "meta":
        return r.what
    if r.kind == "comment":
        return f"comment_{r.what}"
    if r.kind == "extra":
        return "ignore"  # written commented out: uncommented, it drops the column
    return r.kind  # personal, ignore


def _entries(recognised: list, lang: str) -> dict[str, tuple[str, str, str, bool]]:
    """Normalised header -> (header, meaning, why, commented out), one per header.

    A header that occurs more than once (Microsoft Forms repeats "Onderbouw en licht toe" after
    every condition) is one entry: ``comment`` when every occurrence is a condition's open
    question, else its meaning when all occurrences agree, else ``None`` (a map names headers,
    and this one means different things in different places).
    """
    from .load_report import _say

    seen: dict[str, list] = {}
    for r in recognised:
        seen.setdefault(normalise(r.header), []).append(r)
    out = {}
    for key, same in seen.items():
        r = same[0]
        meanings = {_meaning(x) for x in same}
        why = f"{r.how}: {_say(r.evidence, lang)}" if r.how else _say(r.evidence, lang)
        if len(same) > 1 and all(x.kind == "comment" for x in same):
            out[key] = (r.header, "comment", text("colmap.repeated_comment", lang), False)
        elif len(meanings) == 1:
            out[key] = (r.header, meanings.pop(), why,
                        r.kind == "extra" or (r.kind == "ignore" and r.how in ("", "empty")))
        else:
            out[key] = (r.header, None, "", False)
    return out


def _line(header: str, meaning: str, why: str, commented: bool) -> str:
    entry = f"{toml_string(header)} = {toml_string(meaning)}    # {why}"
    return f"# {entry}" if commented else entry


def write_map(path: str | Path, reports: list, lang: str = "nl", dual_scale: int | None = None) -> Path:
    """Write what was recognised in the files of ``reports`` as a column map.

    Every header goes under the general ``[columns]``, so the map serves the
    next wave's files whatever their names; only a header that means
    different things in different files gets a line in a section per file
    (named by the file name: edit it into a pattern such as ``"*Groen*"`` to
    reuse it). Values given for every row go under ``[metadata]``, or per
    file where files differ.
    """
    path = Path(path)
    per_file = [(Path(r.file).name, _entries(r.recognised, lang), r.constants) for r in reports]
    general = _entries([x for r in reports for x in r.recognised], lang)
    out = ["# " + text("colmap.intro", lang), "# " + text("colmap.meanings", lang)]
    if dual_scale is not None:
        out += ["", f"dual_scale = {dual_scale}"]
    out += ["", "[columns]", *(_line(*e) for e in general.values() if e[1] is not None)]
    constants = [c for _, _, c in per_file]
    if constants[0] and all(c == constants[0] for c in constants):
        out += ["", "[metadata]", *(f"{k} = {toml_string(v)}" for k, v in constants[0].items())]
    for name, entries, own in per_file:
        differing = [e for key, e in entries.items() if general[key][1] is None]
        pattern = toml_string(fnmatch_escape(name))
        if differing:
            out += ["", f"[{pattern}.columns]", *(_line(*e) for e in differing)]
        if own and not all(c == constants[0] for c in constants):
            out += ["", f"[{pattern}.metadata]", *(f"{k} = {toml_string(v)}" for k, v in own.items())]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def fnmatch_escape(name: str) -> str:
    """A file name as a pattern that matches only itself."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)
