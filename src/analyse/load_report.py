"""The load report's vocabulary: exclusion reasons, bilingual notes, and what was recognised per file.

Everything a researcher reads about a load — which column was taken for what
and on what evidence, which rows were excluded and why — is said in Dutch or
English with the texts of ``data/texts.toml`` (``[reason]``, ``[evidence]``,
``[load_note]``, ``[load]``); a :class:`Note` carries both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .texts import check_lang, text, texts

__all__ = [
    "EXCLUDED_COLUMNS",
    "REASONS",
    "REASON_CODES",
    "ROLE_NEEDS",
    "FileReport",
    "LoadReport",
    "Note",
    "Recognised",
    "natural_key",
]

EXCLUDED_COLUMNS = ["file", "row", "column", "value", "reason", "detail"]

#: Exclusion reasons: code -> (Dutch, English) description for reports, from ``[reason]`` of texts.toml.
REASONS = {key.removeprefix("reason."): (pair["nl"], pair["en"]) for key, pair in texts().items()
           if key.startswith("reason.")}
#: Each reason as a small integer (0 = no problem): the loader keeps one per cell, and objects cost.
REASON_CODES = {name: i for i, name in enumerate(REASONS, 1)}

#: The metadata roles whose absence the report explains with what each is needed for (``[needs]`` of texts.toml).
ROLE_NEEDS = tuple(key.removeprefix("needs.") for key in texts() if key.startswith("needs."))


def natural_key(value: object) -> tuple:
    """Sort key that orders "meting 2" before "meting 10"."""
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", str(value)) if t)


class Note(str):
    """A sentence of the load report: the English text, with its Dutch version in ``.nl``."""

    nl: str

    def __new__(cls, en: str, nl: str):
        note = super().__new__(cls, en)
        note.nl = nl
        return note

    @classmethod
    def of(cls, key: str, **values) -> Note:
        """The text ``key`` ("section.key") of texts.toml in both languages; a Note among ``values`` in each too."""
        en, nl = ({name: v.in_lang(lang) if isinstance(v, Note) else v for name, v in values.items()}
                  for lang in ("en", "nl"))
        return cls(text(key, "en", **en), text(key, "nl", **nl))

    def in_lang(self, lang: str) -> str:
        return {"nl": self.nl, "en": str(self)}[check_lang(lang)]


def _say(text, lang: str) -> str:
    return text.in_lang(lang) if isinstance(text, Note) else str(text)


@dataclass(frozen=True)
class Recognised:
    """What one column of a file was taken to be, and why.

    ``kind`` is ``item``, ``meta``, ``comment``, ``personal``, ``extra`` (not
    recognised, kept in ``Survey.responses`` as an extra column) or
    ``ignore``; ``what`` the item code, metadata role, condition or (extra)
    the column's name in ``Survey.responses``; ``how`` one of
    ``map`` (the column map or ``columns=``), ``name`` (the header is a known
    name), ``question`` (words of the question text), ``answers`` (the
    column's distinct answers), ``question+answers``, ``similarity`` (a
    statement matched fuzzily), ``platform`` (the platform's own bookkeeping),
    ``content`` (cells holding e-mail or IP addresses), ``empty`` (not
    recognised and blank in every row: dropped) or empty (not recognised);
    ``evidence`` says it in a sentence.
    """

    header: str
    kind: str
    what: str
    how: str
    evidence: Note | str = ""


@dataclass
class FileReport:
    """What happened to one input file."""

    file: str
    layout: str = ""
    sheet: str | None = None
    rows_read: int = 0
    kept: int = 0
    wave_rule: str = ""
    recognised: list[Recognised] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)  # role -> value given for every row
    #: (header, raw answer, code, rows): how answers of metadata columns were read, where not verbatim.
    values: list[tuple[str, str, str, int]] = field(default_factory=list)
    #: Item codes scored in reverse (max + min - answer), as the codebook's ``reverse = true`` says.
    reversed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def _of(self, kind: str) -> list[Recognised]:
        return [r for r in self.recognised if r.kind == kind]

    @property
    def items(self) -> list[tuple[str, str]]:
        return [(r.header, r.what) for r in self._of("item")]

    @property
    def metadata(self) -> list[tuple[str, str]]:
        return [(r.header, r.what) for r in self._of("meta")]

    @property
    def comments(self) -> list[tuple[str, str]]:
        return [(r.header, r.what) for r in self._of("comment")]

    @property
    def personal(self) -> list[str]:
        return [r.header for r in self._of("personal")]

    @property
    def extra(self) -> list[tuple[str, str]]:
        """(header, column name in ``Survey.responses``) of the columns kept as extra columns."""
        return [(r.header, r.what) for r in self._of("extra")]

    @property
    def empty(self) -> list[str]:
        """Columns not recognised and blank in every row: dropped."""
        return [r.header for r in self._of("ignore") if r.how == "empty"]

    @property
    def ignored(self) -> list[str]:
        """Columns dropped: mapped away (``ignore``), platform bookkeeping, the other scale of a dual-scale array."""
        return [r.header for r in self._of("ignore") if r.how != "empty"]


@dataclass
class LoadReport:
    files: list[FileReport]
    excluded: pd.DataFrame
    n_responses: int

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    def to_text(self, lang: str = "nl") -> str:
        def say(key: str, **values) -> str:
            return text(f"load.{key}", lang, **values)

        def listed(values) -> str:
            return ", ".join(repr(v) for v in values)

        lines = []
        for f in self.files:
            lines.append(say("file", file=f.file) + (f" [{f.sheet}]" if f.sheet else ""))
            lines.append(f"  {say('layout', layout=_say(f.layout, lang))}")
            lines.append(f"  {say('wave', rule=_say(f.wave_rule, lang))}")
            lines.append(f"  {say('rows', read=f.rows_read, kept=f.kept, excluded=f.rows_read - f.kept)}")
            ex = self.excluded[self.excluded["file"] == f.file]
            for reason, n in ex["reason"].value_counts().sort_index().items():
                why = text(f"reason.{reason}", lang) if reason in REASONS else reason
                lines.append(f"    - {why} ({reason}): {n}")
            lines.append(f"  {say('items', n=len(f.items))}")
            if f.reversed:
                lines.append(f"  {say('reversed', items=', '.join(f.reversed))}")
            meta = [r for r in f.recognised if r.kind == "meta"]
            if meta or f.constants:
                lines.append(f"  {say('metadata')}")
            for r in meta:
                lines.append(f"    {r.header!r} -> {r.what} ({_say(r.evidence, lang)})")
                lines.extend(f"      {raw!r} → {code}: {say('value_rows', n=n)}"
                             for h, raw, code, n in f.values if h == r.header)
            for role, value in f.constants.items():
                lines.append(f"    {role} = {value!r} ({say('constant')})")
            if f.comments:
                lines.append(f"  {say('comments', columns=', '.join(f'{h!r} -> {c}' for h, c in f.comments))}")
            if f.personal:
                lines.append(f"  {say('personal', columns=listed(f.personal))}")
            if f.extra:
                kept = ", ".join(repr(h) if h.strip() == c else f"{h!r} -> {c!r}" for h, c in f.extra)
                lines.append(f"  {say('extra', columns=kept)}")
            if f.empty:
                lines.append(f"  {say('empty', columns=listed(f.empty))}")
            if f.ignored:
                lines.append(f"  {say('ignored', columns=listed(f.ignored))}")
            lines.extend(f"  {say('note', note=_say(n, lang))}" for n in f.notes)
        lines.append(say("total", read=self.rows_read, kept=self.n_responses, excluded=len(self.excluded)))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, p, cycle):  # IPython
        p.text(self.to_text())
