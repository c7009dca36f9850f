"""The Survey: validated respondents, open comments, excluded rows, load report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import Codebook, load_codebook
from .errors import SurveyError
from .load_report import EXCLUDED_COLUMNS, REASONS, LoadReport, natural_key

__all__ = ["Survey", "META", "REASONS", "canonical_responses"]

#: Metadata columns of ``Survey.responses``, in order, before the item columns.
META = ["respondent_id", "wave", "leerlab", "partner", "sector", "level"]
COMMENT_COLUMNS = ["respondent_id", "wave", "condition", "text"]


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
    disclosure : Disclosure or None
        Set by :func:`analyse.protect`: which groups statistics and figures
        made from this Survey hide so that no number rests on fewer than
        ``min_n`` respondents, not even by subtraction. None: no such control.

    A Survey can also be built from a canonical frame, e.g. in tests:
    ``Survey(df)``; the frame's dtypes are normalised as the loader does.
    """

    def __init__(self, responses: pd.DataFrame, *, codebook: Codebook | str | Path | None = None,
                 comments: pd.DataFrame | None = None, excluded: pd.DataFrame | None = None,
                 report: LoadReport | None = None, disclosure=None):
        self.codebook = load_codebook(codebook)
        self.responses = canonical_responses(responses, self.codebook)
        self.comments = (pd.DataFrame(columns=COMMENT_COLUMNS) if comments is None
                         else comments.reset_index(drop=True))
        self.excluded = (pd.DataFrame(columns=EXCLUDED_COLUMNS) if excluded is None
                         else excluded.reset_index(drop=True))
        self._report = report
        self.disclosure = disclosure

    def __repr__(self) -> str:
        r = self.responses
        waves = ", ".join(map(str, r["wave"].cat.categories))
        return (f"<Survey: {len(r)} respondents, {r['leerlab'].nunique()} leerlabs, waves [{waves}], "
                f"{len(self.excluded)} rows excluded>")

    def __len__(self) -> int:
        return len(self.responses)

    @property
    def absent(self) -> list[str]:
        """Metadata columns without a value in any row (the form did not ask them): no analysis groups by them."""
        return [c for c in ("leerlab", "partner", "sector", "level") if self.responses[c].isna().all()]

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
        """Respondents per group (observed groups only): the grouping columns and ``n``.

        On a protected Survey (:func:`analyse.protect`) the sizes of hidden
        groups are blank (NaN) and ``note`` says why.
        """
        out = self.responses.groupby(list(by), observed=True).size().rename("n").reset_index()
        return out if self.disclosure is None else self.disclosure.apply(out)

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
