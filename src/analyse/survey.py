"""The Survey: validated respondents, open comments, excluded rows, load report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import Codebook, load_codebook
from .errors import SurveyError

__all__ = ["Survey", "META", "LoadReport", "FileReport", "EXCLUDED_COLUMNS", "Note"]

#: Metadata columns of ``Survey.responses``, in order, before the item columns.
META = ["respondent_id", "wave", "leerlab", "partner", "sector", "level"]
EXCLUDED_COLUMNS = ["file", "row", "column", "value", "reason", "detail"]
COMMENT_COLUMNS = ["respondent_id", "wave", "condition", "text"]

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
    "missing_level": ("niveau ontbreekt", "level missing"),
    "unknown_level": ("onbekend niveau", "unknown level"),
    "unknown_sector": ("onbekend onderwijstype", "unknown sector"),
    "missing_partner": ("partnerschool ontbreekt", "partner school missing"),
    "missing_wave": ("meting ontbreekt", "wave missing"),
    "not_finished": ("niet afgerond", "unfinished response"),
    "preview": ("voorbeeld-, test- of spamantwoord", "preview, test or spam response"),
}
#: Each reason as a small integer (0 = no problem): the loader keeps one per cell, and objects cost.
REASON_CODES = {name: i for i, name in enumerate(REASONS, 1)}


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


@dataclass
class FileReport:
    """What happened to one input file."""

    file: str
    layout: str = ""
    sheet: str | None = None
    rows_read: int = 0
    kept: int = 0
    wave_rule: str = ""
    items: list[tuple[str, str]] = field(default_factory=list)     # (header, item code)
    metadata: list[tuple[str, str]] = field(default_factory=list)  # (header, role)
    comments: list[tuple[str, str]] = field(default_factory=list)  # (header, condition)
    ignored: list[str] = field(default_factory=list)
    personal: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


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
            if f.metadata:
                lines.append(f"  {'kenmerken' if nl else 'metadata'}: "
                             + ", ".join(f"{h!r} -> {r}" for h, r in f.metadata))
            if f.comments:
                lines.append(f"  {'toelichtingen' if nl else 'comments'}: "
                             + ", ".join(f"{h!r} -> {c}" for h, c in f.comments))
            if f.personal:
                lines.append(f"  {'persoonsgegevens verwijderd (kolommen)' if nl else 'personal data dropped (columns)'}: "
                             + ", ".join(repr(p) for p in f.personal))
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


class Survey:
    """Validated questionnaire answers.

    Attributes
    ----------
    responses : DataFrame
        One row per respondent: ``respondent_id, wave, leerlab, partner,
        sector, level`` and then the item columns in codebook order (float, NaN
        for no answer). ``wave``, ``leerlab``, ``sector`` and ``level`` are
        ordered categoricals in codebook (or natural) order; ``partner`` is a
        categorical of the school names.
    comments : DataFrame
        Open answers (``respondent_id, wave, condition, text``), kept apart.
    excluded : DataFrame
        Every input row not used: ``file, row, column, value, reason, detail``.
    codebook : Codebook

    A Survey can also be built from a canonical frame, e.g. in tests:
    ``Survey(df)``; the frame's dtypes are normalised as the loader does.
    """

    def __init__(self, responses: pd.DataFrame, *, codebook: Codebook | str | Path | None = None,
                 comments: pd.DataFrame | None = None, excluded: pd.DataFrame | None = None,
                 report: LoadReport | None = None):
        self.codebook = load_codebook(codebook)
        self.responses = canonical_responses(responses, self.codebook)
        self.comments = (pd.DataFrame(columns=COMMENT_COLUMNS) if comments is None
                         else comments.reset_index(drop=True))
        self.excluded = (pd.DataFrame(columns=EXCLUDED_COLUMNS) if excluded is None
                         else excluded.reset_index(drop=True))
        self._report = report

    def __repr__(self) -> str:
        r = self.responses
        waves = ", ".join(map(str, r["wave"].cat.categories))
        return (f"<Survey: {len(r)} respondents, {r['leerlab'].nunique()} leerlabs, waves [{waves}], "
                f"{len(self.excluded)} rows excluded>")

    def __len__(self) -> int:
        return len(self.responses)

    def report(self) -> LoadReport:
        """The load report: files, layout, rows read/kept/excluded by reason, columns."""
        if self._report is None:
            return LoadReport(files=[], excluded=self.excluded, n_responses=len(self.responses))
        return self._report

    def long(self) -> pd.DataFrame:
        """Tidy answers: one row per respondent x item, with its condition.

        Columns: the metadata columns, ``condition``, ``item``, ``score``
        (NaN where the respondent gave no answer).
        """
        cb = self.codebook
        items = cb.item_codes
        out = self.responses.melt(id_vars=META, value_vars=items, var_name="item", value_name="score")
        out["item"] = pd.Categorical(out["item"], categories=items, ordered=True)
        out.insert(len(META), "condition",
                   pd.Categorical(out["item"].map(cb.item_condition).astype(str),
                                  categories=cb.condition_codes, ordered=True))
        return out

    def group_sizes(self, by=("wave", "leerlab", "partner", "level")) -> pd.DataFrame:
        """Respondents per group (observed groups only): the grouping columns and ``n``."""
        return self.responses.groupby(list(by), observed=True).size().rename("n").reset_index()

    # ----------------------------------------------------------- writers
    def canonical(self) -> pd.DataFrame:
        """The canonical layout: metadata, item codes as headers, one comment column per condition."""
        out = self.responses.copy()
        for col in ("respondent_id", "wave", "leerlab", "partner", "sector", "level"):
            out[col] = out[col].astype("string")
        items = self.codebook.item_codes
        out[items] = out[items].astype("Int64")
        if len(self.comments):
            wide = self.comments.pivot(index=["respondent_id", "wave"], columns="condition", values="text")
            wide.columns = [f"comment_{c}" for c in wide.columns]
            out = out.merge(wide.reset_index().astype({"respondent_id": "string", "wave": "string"}),
                            on=["respondent_id", "wave"], how="left")
        for c in self.codebook.condition_codes:
            if f"comment_{c}" not in out:
                out[f"comment_{c}"] = pd.Series(pd.NA, index=out.index, dtype="string")
        return out

    def to_csv(self, path: str | Path) -> Path:
        """Write the canonical layout as UTF-8 CSV (comma separated); formula-like text is escaped."""
        from .writing import write_csv

        return write_csv(self.canonical(), Path(path))

    def to_excel(self, path: str | Path, sheet_name: str = "antwoorden") -> Path:
        """Write the canonical layout as .xlsx; text is stored as text, never as a formula."""
        from .writing import write_xlsx

        path = Path(path)
        write_xlsx(path, {sheet_name: self.canonical()})
        return path


def canonical_responses(df: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Normalise a responses frame to the canonical columns and dtypes."""
    items = codebook.item_codes
    missing = [c for c in META + items if c not in df.columns]
    if missing:
        raise SurveyError(f"responses lack column(s) {', '.join(missing)}; expected {', '.join(META)} and the item codes")
    # A new frame from the columns (a dict is copied): one block per dtype, whatever the input's layout.
    out = pd.DataFrame({**{c: df[c].to_numpy() for c in META},
                        **{c: df[c].to_numpy(dtype=float, na_value=np.nan) for c in items}})
    out["respondent_id"] = out["respondent_id"].astype(str)
    wave = out["wave"].astype(str)
    out["wave"] = pd.Categorical(wave, categories=sorted(pd.unique(wave), key=natural_key), ordered=True)
    out["leerlab"] = pd.Categorical(out["leerlab"], categories=codebook.leerlab_codes, ordered=True)
    out["level"] = pd.Categorical(out["level"], categories=codebook.level_codes, ordered=True)
    out["sector"] = pd.Categorical(out["sector"], categories=codebook.sector_codes, ordered=True)
    partners = sorted(pd.unique(out["partner"].dropna().astype(str)))
    out["partner"] = pd.Categorical(out["partner"].astype("object"), categories=partners)
    return out
