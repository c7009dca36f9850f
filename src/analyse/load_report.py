"""The load report's vocabulary: exclusion reasons, bilingual notes, and what was recognised per file.

Everything a researcher reads about a load — which column was taken for what
and on what evidence, which rows were excluded and why — is built from the
names in this module, in Dutch or English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .dates import DATE_PROBLEMS

__all__ = ["Note", "REASONS", "REASON_CODES", "Recognised", "FileReport", "LoadReport", "EXCLUDED_COLUMNS",
           "natural_key", "ROLE_NEEDS"]

EXCLUDED_COLUMNS = ["file", "row", "column", "value", "reason", "detail"]

#: Exclusion reasons: code -> (Dutch, English) description for reports.
REASONS = {
    "empty_row": ("lege rij", "empty row"),
    "no_answers": ("geen enkele stelling beantwoord", "no statement answered"),
    "unknown_label": ("onbekend antwoord", "unknown answer label"),
    "out_of_range": ("score buiten de schaal", "score outside the scale"),
    "fractional_score": ("score is geen schaalpunt (decimaal)", "fractional score"),
    "formula": ("formule in cel", "formula in cell"),
    "missing_id": ("respondentcode ontbreekt", "respondent id missing"),
    "duplicate_id": ("respondent dubbel in dezelfde meting", "respondent twice in one wave"),
    "missing_leerlab": ("leerlab ontbreekt", "leerlab missing"),
    "unknown_leerlab": ("onbekend leerlab", "unknown leerlab"),
    "ambiguous_leerlab": ("antwoord noemt twee leerlabs", "answer names two leerlabs"),
    "missing_level": ("niveau ontbreekt", "level missing"),
    "unknown_level": ("onbekend niveau", "unknown level"),
    "ambiguous_level": ("antwoord noemt twee niveaus", "answer names two levels"),
    "unknown_sector": ("onbekend onderwijstype", "unknown sector"),
    "ambiguous_sector": ("antwoord noemt vmbo en mbo", "answer names two sectors"),
    "missing_partner": ("partnerschool ontbreekt", "partner school missing"),
    "missing_wave": ("meting ontbreekt", "wave missing"),
    **DATE_PROBLEMS,
    "not_finished": ("niet afgerond", "unfinished response"),
    "preview": ("voorbeeld-, test- of spamantwoord", "preview, test or spam response"),
}
#: Each reason as a small integer (0 = no problem): the loader keeps one per cell, and objects cost.
REASON_CODES = {name: i for i, name in enumerate(REASONS, 1)}

#: What each metadata role is needed for: said in the report when a file has no column for it.
ROLE_NEEDS = {
    "leerlab": ("leerlabs vergelijken, partnerbladen, overeenstemming tussen partners",
                "comparing leerlabs, partner sheets, agreement between partners"),
    "partner": ("overeenstemming en verschillen tussen partnerscholen, het 8-tje",
                "agreement and gaps between partner schools, het 8-tje"),
    "level": ("verschillen tussen niveaus, het 8-tje", "gaps between levels, het 8-tje"),
    "sector": ("vmbo en mbo vergelijken", "comparing vmbo and mbo"),
}


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

    def in_lang(self, lang: str) -> str:
        return self.nl if lang == "nl" else str(self)


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
        nl = lang == "nl"
        lines = []
        for f in self.files:
            lines.append(f"{'Bestand' if nl else 'File'}: {f.file}" + (f" [{f.sheet}]" if f.sheet else ""))
            lines.append(f"  {'indeling' if nl else 'layout'}: {_say(f.layout, lang)}")
            lines.append(f"  {'meting' if nl else 'wave'}: {_say(f.wave_rule, lang)}")
            lines.append(f"  {'rijen gelezen' if nl else 'rows read'}: {f.rows_read}, "
                         f"{'gebruikt' if nl else 'kept'}: {f.kept}, "
                         f"{'uitgesloten' if nl else 'excluded'}: {f.rows_read - f.kept}")
            ex = self.excluded[self.excluded["file"] == f.file]
            for reason, n in ex["reason"].value_counts().sort_index().items():
                lines.append(f"    - {REASONS.get(reason, (reason, reason))[0 if nl else 1]} ({reason}): {n}")
            lines.append(f"  {'stellingen herkend' if nl else 'statements recognised'}: {len(f.items)}")
            meta = [r for r in f.recognised if r.kind == "meta"]
            if meta or f.constants:
                lines.append(f"  {'kenmerken' if nl else 'metadata'}:")
            for r in meta:
                lines.append(f"    {r.header!r} -> {r.what} ({_say(r.evidence, lang)})")
                lines.extend(f"      {raw!r} → {code}: {n} {'rijen' if nl else 'rows'}"
                             for h, raw, code, n in f.values if h == r.header)
            for role, value in f.constants.items():
                lines.append(f"    {role} = {value!r} ({'voor elke rij van het bestand' if nl else 'for every row of the file'})")
            if f.comments:
                lines.append(f"  {'toelichtingen' if nl else 'comments'}: "
                             + ", ".join(f"{h!r} -> {c}" for h, c in f.comments))
            if f.personal:
                lines.append(f"  {'persoonsgegevens verwijderd (kolommen)' if nl else 'personal data dropped (columns)'}: "
                             + ", ".join(repr(p) for p in f.personal))
            if f.extra:
                lines.append(f"  {'extra kolommen bewaard (te gebruiken in by=)' if nl else 'extra columns kept (usable in by=)'}: "
                             + ", ".join(repr(h) if h.strip() == c else f"{h!r} -> {c!r}" for h, c in f.extra))
            if f.empty:
                lines.append(f"  {'lege kolommen weggelaten' if nl else 'empty columns dropped'}: "
                             + ", ".join(repr(p) for p in f.empty))
            if f.ignored:
                lines.append(f"  {'kolommen genegeerd' if nl else 'columns ignored'}: " + ", ".join(repr(p) for p in f.ignored))
            lines.extend(f"  {'let op' if nl else 'note'}: {_say(n, lang)}" for n in f.notes)
        lines.append(f"{'Totaal' if nl else 'Total'}: {self.rows_read} {'rijen gelezen' if nl else 'rows read'}, "
                     f"{self.n_responses} {'gebruikt' if nl else 'kept'}, "
                     f"{len(self.excluded)} {'uitgesloten' if nl else 'excluded'}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, p, cycle):  # IPython
        p.text(self.to_text())
