"""The Survey: validated respondents, open comments, excluded rows, load report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import Codebook, load_codebook
from .errors import SurveyError
from .load_report import EXCLUDED_COLUMNS, REASONS, LoadReport, natural_key

__all__ = ["META", "REASONS", "RESERVED", "Survey", "canonical_responses", "extra_name"]

#: Metadata columns of ``Survey.responses``, in order, before the item columns.
META = ["respondent_id", "wave", "leerlab", "partner", "sector", "level"]
COMMENT_COLUMNS = ["respondent_id", "wave", "condition", "text"]
#: Names analyse gives columns of its own tables (``long()``, statistics): an extra column is never named so.
RESERVED = ["condition", "item", "score", "n", "note"]


class Survey:
    """Validated questionnaire answers.

    Attributes
    ----------
    responses : DataFrame
        One row per respondent: ``respondent_id, wave, leerlab, partner,
        sector, level`` and then the item columns in codebook order (float, NaN
        for no answer). ``wave``, ``leerlab``, ``sector`` and ``level`` are
        ordered categoricals in codebook (or natural) order; ``partner`` is a
        categorical of the school names. After the items come the *extra
        columns* (:attr:`extra_columns`): every column of the export the
        loader did not map (a cohort question, a free-text field), under its
        header text, to group by (``by=``). Numbers are float; text is text
        with e-mail addresses, phone numbers and IP addresses replaced.
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
    Its other columns are kept as extra columns after the items (see
    :func:`canonical_responses`). The item columns are copied unless
    ``copy=False`` (as for a DataFrame): then the Survey may use the arrays
    of ``responses``, which nothing else should change.
    """

    def __init__(self, responses: pd.DataFrame, *, codebook: Codebook | str | Path | None = None,
                 comments: pd.DataFrame | None = None, excluded: pd.DataFrame | None = None,
                 report: LoadReport | None = None, disclosure=None, copy: bool = True):
        self.codebook = load_codebook(codebook)
        self.responses = canonical_responses(responses, self.codebook, copy=copy)
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

    @property
    def extra_columns(self) -> list:
        """The columns of ``responses`` after the items: kept from the export (or the frame) to group by."""
        return list(self.responses.columns[len(META) + len(self.codebook.item_codes):])

    def report(self) -> LoadReport:
        """The load report: files, layout, rows read/kept/excluded by reason, columns."""
        if self._report is None:
            return LoadReport(files=[], excluded=self.excluded, n_responses=len(self.responses))
        return self._report

    def long(self) -> pd.DataFrame:
        """Tidy answers: one row per respondent x item, with its condition.

        Columns: the metadata columns, ``condition``, ``item``, ``score``
        (NaN where the respondent gave no answer), then the extra columns
        (:attr:`extra_columns`), repeated on every row of their respondent, so
        that they can be grouped by.
        """
        cb = self.codebook
        items = cb.item_codes
        extra = self.extra_columns
        out = self.responses.melt(id_vars=META + extra, value_vars=items, var_name="item", value_name="score")
        out["item"] = pd.Categorical(out["item"], categories=items, ordered=True)
        out.insert(len(META), "condition",
                   pd.Categorical(out["item"].map(cb.item_condition).astype(str),
                                  categories=cb.condition_codes, ordered=True))
        return out[[*META, "condition", "item", "score", *extra]] if extra else out

    def group_sizes(self, by=("wave", "leerlab", "partner", "level")) -> pd.DataFrame:
        """Respondents per group (observed groups only): the grouping columns and ``n``.

        On a protected Survey (:func:`analyse.protect`) the sizes of hidden
        groups are blank (NaN) and ``note`` says why.
        """
        out = self.responses.groupby(list(by), observed=True).size().rename("n").reset_index()
        return out if self.disclosure is None else self.disclosure.apply(out)

    # ----------------------------------------------------------- writers
    def canonical(self) -> pd.DataFrame:
        """The canonical layout: metadata, extra columns, item codes as headers, one comment column per condition.

        The extra columns come before the statements, as a form asks its own
        questions: a header such as "Opmerking" after the statements would be
        read back as the last condition's comment. An extra column of whole
        numbers is written without decimals (``Int64``).
        """
        out = self.responses.copy()
        for col in ("respondent_id", "wave", "leerlab", "partner", "sector", "level"):
            out[col] = out[col].astype("string")
        items = self.codebook.item_codes
        out[items] = out[items].astype("Int64")
        for col in self.extra_columns:
            values = out[col].dropna()
            if out[col].dtype == float and (values.abs() < 2**53).all() and (values % 1 == 0).all():
                out[col] = out[col].astype("Int64")
        if self.extra_columns:
            out = out[[*META, *self.extra_columns, *items]]
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
        """Write the canonical layout as CSV for Dutch Excel (`;`, decimal comma, UTF-8 BOM); formulas are escaped."""
        from .writing import write_csv

        return write_csv(self.canonical(), Path(path))

    def to_excel(self, path: str | Path, sheet_name: str = "antwoorden") -> Path:
        """Write the canonical layout as .xlsx; text is stored as text, never as a formula."""
        from .writing import write_xlsx

        path = Path(path)
        write_xlsx(path, {sheet_name: self.canonical()})
        return path


def canonical_responses(df: pd.DataFrame, codebook: Codebook, *, copy: bool = True) -> pd.DataFrame:
    """Normalise a responses frame to the canonical columns and dtypes.

    The metadata columns and the items come first; every other column of
    ``df`` follows as an extra column, in the frame's order: numbers (an
    integer or float column, or an object column holding only numbers) as
    float, an object column holding text as pandas ``string`` (numbers in it
    as Excel shows them: ``2023``, not ``2023.0``), any other column (a
    categorical, dates, booleans) as it is. ``comment_<condition>`` columns
    are dropped (comments are passed as ``comments=``). A column named like
    a column analyse makes of its own (``condition``, ``item``, ``score``,
    ``n``, ``note``) is renamed by :func:`extra_name` (``score`` ->
    ``score_2``). ``copy=False``: float item columns are used as they are,
    not copied.
    """
    items = codebook.item_codes
    missing = [c for c in META + items if c not in df.columns]
    if missing:
        raise SurveyError(f"responses lack column(s) {', '.join(missing)}; expected {', '.join(META)} and the item codes")
    if not df.columns.is_unique:
        twice = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise SurveyError(f"the responses have column(s) {', '.join(map(repr, twice))} more than once")
    comment_columns = {f"comment_{c}" for c in codebook.condition_codes}
    taken = [*META, *items, *RESERVED, *comment_columns]
    extra = {}
    for col in df.columns:
        if col in META or col in items or col in comment_columns:
            continue
        name = extra_name(col, taken) if isinstance(col, str) else col
        taken.append(name)
        extra[name] = _extra_values(df[col])
    # A new frame of the columns, one by one (copies unless copy=False): a copy of a column of a million rows
    # stays below the size (32 MB) from which every new array costs fresh pages of memory, and a block of all
    # items would not. The metadata columns are replaced by their text and categories below.
    out = pd.DataFrame({**{c: df[c].to_numpy() for c in META},
                        **{c: df[c].to_numpy(dtype=float, na_value=np.nan, copy=copy) for c in items},
                        **extra}, copy=False)
    out["respondent_id"] = out["respondent_id"].astype(str)
    wave = out["wave"].astype(str)
    out["wave"] = pd.Categorical(wave, categories=sorted(pd.unique(wave), key=natural_key), ordered=True)
    out["leerlab"] = pd.Categorical(out["leerlab"], categories=codebook.leerlab_codes, ordered=True)
    out["level"] = pd.Categorical(out["level"], categories=codebook.level_codes, ordered=True)
    out["sector"] = pd.Categorical(out["sector"], categories=codebook.sector_codes, ordered=True)
    partners = sorted(pd.unique(out["partner"].dropna().astype(str)))
    out["partner"] = pd.Categorical(out["partner"].astype("object"), categories=partners)
    return out


def extra_name(header: str, taken) -> str:
    """The name of an extra column: its header text stripped, with ``_2``, ``_3``, ... when that name is taken.

    ``taken``: the names in use (the metadata columns, the item codes,
    :data:`RESERVED`, ``comment_<condition>``, and the extra columns named
    before it). A blank header is named ``column``.
    """
    base = str(header).strip() or "column"
    taken = set(taken)
    if base not in taken:
        return base
    k = 2
    while f"{base}_{k}" in taken:
        k += 1
    return f"{base}_{k}"


def _extra_values(values: pd.Series) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """An extra column's values: float for numbers, ``string`` for text, other dtypes as they are."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or not (dtype == object or pd.api.types.is_numeric_dtype(dtype)):
        return values.to_numpy(copy=True) if isinstance(dtype, np.dtype) else values.array.copy()
    if pd.api.types.is_numeric_dtype(dtype):
        return values.to_numpy(dtype=float, na_value=np.nan, copy=True)
    present = values[values.notna()]
    if all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
           for v in present):
        return values.to_numpy(dtype=float, na_value=np.nan, copy=True)
    return pd.array([_as_text(v) for v in values], dtype="string")


def _as_text(v):
    if v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
        return pd.NA
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)
