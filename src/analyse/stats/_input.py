"""What every statistic reads: a Survey or any tidy DataFrame, its scales, and the strata asked for.

A statistic takes ``data`` (a :class:`~analyse.Survey`, or a DataFrame with
one row per respondent) and names columns in ``by=`` (strata) and
``between=`` (the compared factor). :func:`as_data` turns either input into
one :class:`Data`; :meth:`Data.strata` turns ``by=`` into column names, adds
``wave`` when the data hold more than one wave, and refuses names that are
not there, listing the ones that are; :meth:`Data.value` finds a value of a
column the way a researcher writes it ("VMBO", "groen", a codebook synonym).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ..codebook import Codebook, load_codebook, normalise
from ..errors import AnalyseError
from ..survey import META, Survey
from ._common import note

__all__ = ["RESULT_COLUMNS", "Data", "UnknownColumnError", "UnknownValueError", "as_data"]

#: Columns the statistics write. A stratum with one of these names would be
#: overwritten in the result, so such a column is refused with a hint to rename it.
RESULT_COLUMNS = frozenset({
    "condition", "item", "score", "n_items", "n", "n_missing", "mean", "sd", "se", "ci_low", "ci_high", "median",
    "share_agree", "share_disagree", "note", "missing", "k", "alpha", "omega", "r_drop", "alpha_if_deleted",
    "mean_var", "rwg_j", "center", "ad", "n_groups", "msb", "msw", "icc1", "icc2", "n_pairable", "metric",
    "a", "b", "n_a", "n_b", "mean_a", "mean_b", "diff", "hedges_g", "welch_t", "welch_df", "welch_p",
    "welch_p_holm", "mwu_u", "mwu_p", "mwu_p_holm", "ad_mean", "ad_median", "kripp_ordinal",
    "kripp_interval", "verdict", "side", "kind", "partner_a", "partner_b", "level_a", "level_b", "p_holm",
    "kw_h", "kw_df", "kw_p", "flag", "wave_from", "wave_to", "design", "n_from", "n_to", "n_paired",
    "mean_from", "mean_to", "effect", "effect_type", "t", "df", "p", "np_test", "np_stat", "np_p",
    "success_factor", "factor_nl", "factor_en", "condition_mean", "weakest", "pitfall_number", "pitfall_nl",
    "pitfall_en", "n_clusters", "n_clusters_a", "n_clusters_b", "cluster_size", "estimate", "var_cluster",
    "var_residual", "icc", "deff", "n_effective", "ad_cutoff", "ad_q05", "awg", "f", "icc1_ci_high", "icc1_ci_low",
    "icc2_ci_high", "icc2_ci_low", "k_used", "null", "p_chance", "rwg_j_cutoff", "rwg_j_lindell", "rwg_j_q95",
})


class UnknownColumnError(AnalyseError, KeyError):
    """A column named in ``by=``, ``between=`` or ``scales=`` is not in the data."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class UnknownValueError(AnalyseError):
    """A value asked for (``a=``, ``b=``, a leerlab) does not occur in its column."""


@dataclass(frozen=True, eq=False)
class Data:
    """Respondents, the scales scored from them, and the answer scale.

    ``frame`` has one row per respondent (per wave); ``scales`` maps each
    scale (a Common Eye condition, or any name given in ``scales=``) to its
    item columns; ``points`` are the answer options (None when unknown, or
    when the codebook's statements are not all on its one ``[scale]``: a
    statistic that reads one scale for every condition would be wrong for
    some, so it asks for ``n_options=`` and shares of agreement are NaN).
    """

    frame: pd.DataFrame
    scales: dict[str, list[str]]
    points: np.ndarray | None
    codebook: Codebook | None = None
    survey: Survey | None = field(default=None, repr=False)

    # ----------------------------------------------------------- the scales
    @property
    def conditions(self) -> list[str]:
        return list(self.scales)

    def items_of(self, condition: str) -> list[str]:
        """Items of a scale; ``"all"`` means every item of every scale."""
        if condition == "all":
            return self.items
        try:
            return self.scales[condition]
        except KeyError:
            raise UnknownColumnError(f"there is no scale {condition!r}; the scales are "
                                     f"{', '.join(map(repr, self.scales))} (and 'all')") from None

    def pick(self, conditions: Sequence[str] | None) -> list[str]:
        """The scales asked for (all by default), checked."""
        if conditions is None:
            return self.conditions
        conditions = [conditions] if isinstance(conditions, str) else list(conditions)
        for c in conditions:
            self.items_of(c)
        return conditions

    @cached_property
    def items(self) -> list[str]:
        return list(dict.fromkeys(i for items in self.scales.values() for i in items))

    @cached_property
    def item_condition(self) -> dict[str, str]:
        return {i: c for c, items in self.scales.items() for i in items}

    def n_options(self, n_options: int | None = None) -> int:
        """A, the number of answer options: given, or from the codebook."""
        if n_options is not None:
            if int(n_options) < 2:
                raise AnalyseError(f"n_options must be at least 2, not {n_options!r}")
            return int(n_options)
        if self.points is None and self.codebook is not None and not self.codebook.one_scale:
            raise AnalyseError("the codebook's statements are on more than one answer scale, and this statistic "
                               "reads one for every condition: pass conditions= on one scale and its n_options=")
        if self.points is None:
            raise AnalyseError("this statistic needs the number of answer options: pass n_options= "
                               "(e.g. n_options=5 for a 1-5 scale) or codebook=")
        return len(self.points)

    def agree_points(self) -> tuple[float, float]:
        """Lowest agree point and highest disagree point (NaN when the scale names none, or statements differ in scale)."""
        cb = self.codebook
        if cb is None or not len(cb.agree_points) or not len(cb.disagree_points) or not cb.one_scale:
            return np.nan, np.nan
        return float(min(cb.agree_points)), float(max(cb.disagree_points))

    def condition_dtype(self, extra: Sequence[str] = ()) -> pd.CategoricalDtype:
        return pd.CategoricalDtype(list(dict.fromkeys([*self.conditions, *extra])), ordered=True)

    # ----------------------------------------------------------- strata
    def strata(self, by, *, pool_waves: bool = False, compare: Sequence[str] = ()) -> list[str]:
        """Column names for ``by=``: resolved, checked, and led by ``wave`` when waves are not pooled.

        ``compare`` are columns the statistic itself compares or groups by
        (``between``): no wave is added for them, and they are not strata.
        """
        names = [self.column(b) for b in _as_list(by)]
        if not pool_waves and "wave" in self.frame and "wave" not in names and "wave" not in compare \
                and self.n_waves > 1:
            names = ["wave", *names]
        for c in names:
            if c in RESULT_COLUMNS:
                raise AnalyseError(f"column {c!r} has the name of a column the statistics write; rename it "
                                   f"first, e.g. data.rename(columns={{{c!r}: '{c}_group'}})")
        return list(dict.fromkeys(names))

    @cached_property
    def n_waves(self) -> int:
        return int(self.frame["wave"].nunique()) if "wave" in self.frame else 1

    def pooled_note(self, strata: Sequence[str], pool_waves: bool) -> str:
        """The note a result pooled over waves carries: how many respondents it counts more than once."""
        if not pool_waves or "wave" in strata or self.n_waves < 2 or "respondent_id" not in self.frame:
            return ""
        waves = self.frame[["respondent_id", "wave"]].drop_duplicates().groupby("respondent_id", observed=True).size()
        return note("pooled", n=int((waves > 1).sum()))

    def column(self, name) -> str:
        """The frame's column for ``name``: exact, any capitalisation, or a codebook alias ("niveau", "school")."""
        cols = self.frame.columns
        if name in cols:
            return name
        key = normalise(name)
        folded = {normalise(c): c for c in cols if isinstance(c, str)}
        if key in folded:
            return folded[key]
        cb = self.codebook or load_codebook()
        for role in META:
            if role in cols and key in cb.column_names.get(role, ()):
                return role
        usable = [c for c in cols if c not in self.item_condition]
        raise UnknownColumnError(f"there is no column {name!r}; the columns to group by are "
                                 f"{', '.join(map(repr, usable))}")

    def value(self, column: str, value):
        """The value of ``column`` meant by ``value``: exact, any capitalisation, or a codebook synonym."""
        s = self.frame[column]
        observed = s.cat.categories[np.unique(s.cat.codes[s.cat.codes >= 0])] if isinstance(
            s.dtype, pd.CategoricalDtype) else pd.unique(s.dropna())
        observed = list(observed)
        if value in observed:
            return value
        key = normalise(value)
        for v in observed:
            if normalise(v) == key:
                return v
        if self.codebook is not None and column in ("leerlab", "level", "sector"):
            code = self.codebook.synonyms(column).get(key)
            if code in observed:
                return code
        raise UnknownValueError(f"{column} has no value {value!r}; its values are "
                                f"{', '.join(map(repr, map(_plain, observed)))}")

    # ----------------------------------------------------------- scores
    def score_matrix(self, min_items: int | None = None, conditions: Sequence[str] | None = None):
        """Scale scores (respondents x scales), items answered per score, and the scales."""
        conds = self.pick(conditions)
        scores = np.full((len(self.frame), len(conds)), np.nan)
        answered = np.zeros((len(self.frame), len(conds)), dtype=np.int64)
        for j, cond in enumerate(conds):
            # Item by item, as numpy.nanmean adds a row's few values (in order, from 0): the same sums, and
            # no respondents x items copy of the answers.
            total, n = np.zeros(len(self.frame)), answered[:, j]
            for item in self.items_of(cond):
                x = self.frame[item].to_numpy(dtype=float)
                ok = ~np.isnan(x)
                n += ok
                total += np.where(ok, x, 0.0)
            enough = n >= required_items(len(self.items_of(cond)), min_items)
            scores[:, j] = np.where(enough, total / np.maximum(n, 1), np.nan)  # enough: n >= 1
        return scores, answered, conds

    def long_scores(self, columns: Sequence[str], min_items: int | None = None,
                    conditions: Sequence[str] | None = None) -> pd.DataFrame:
        """``columns``, ``condition``, ``score``, ``n_items``: one row per respondent and scale."""
        scores, answered, conds = self.score_matrix(min_items, conditions)
        n, c = scores.shape
        out = self.repeated(columns, c)
        out["condition"] = pd.Categorical.from_codes(np.tile(np.arange(c), n), dtype=self.condition_dtype(conds))
        out["score"] = scores.ravel()
        out["n_items"] = answered.ravel()
        return out

    def repeated(self, columns: Sequence[str], times: int) -> pd.DataFrame:
        """``columns`` with every row ``times`` times in a row, column by column (a categorical's codes repeated).

        Each column keeps its dtype as it is said, not inferred again from a
        column of objects (a pass over millions of them).
        """
        index = pd.RangeIndex(len(self.frame) * times)

        def repeat(s: pd.Series) -> pd.Series:
            values = s.to_numpy() if isinstance(s.dtype, np.dtype) else s.array
            return pd.Series(values.repeat(times), index=index, dtype=s.dtype, copy=False)

        return pd.DataFrame({c: repeat(self.frame[c]) for c in dict.fromkeys(columns)}, copy=False)

    def long_items(self, columns: Sequence[str], conditions: Sequence[str] | None = None) -> pd.DataFrame:
        """``columns``, ``condition``, ``item``, ``score``: one row per respondent and item (raw answers)."""
        conds = self.pick(conditions)
        items = [i for c in conds for i in self.items_of(c)]
        x = self.frame[items].to_numpy(dtype=float)
        n, k = x.shape
        out = self.repeated(columns, k)
        owner = [c for c in conds for _ in self.items_of(c)]
        out["condition"] = pd.Categorical(np.tile(owner, n), dtype=self.condition_dtype(conds))
        out["item"] = pd.Categorical.from_codes(np.tile(np.arange(k), n),
                                                dtype=pd.CategoricalDtype(items, ordered=True))
        out["score"] = x.ravel()
        return out


def required_items(k: int, min_items: int | None) -> int:
    """Items a respondent must answer for a scale score: more than half by default.

    ``min_items=None`` gives :math:`\\lfloor k/2 \\rfloor + 1`; a larger
    ``min_items`` than the scale has items is read as "all items".
    """
    if min_items is None:
        return k // 2 + 1
    if int(min_items) < 1:
        raise AnalyseError("min_items must be at least 1")
    return min(int(min_items), k)


def as_data(data, *, scales: dict[str, Sequence[str]] | None = None, codebook: Codebook | str | None = None,
            n_options: int | None = None) -> Data:
    """The :class:`Data` of a Survey, of a canonical responses frame, or of any frame with ``scales=``."""
    if isinstance(data, Data):
        return data
    if isinstance(data, Survey):
        cb = data.codebook
        frame = data.responses
        survey = data
    elif isinstance(data, pd.DataFrame):
        cb = None if codebook is None and scales is not None else load_codebook(codebook)
        if scales is None:
            missing = [i for i in cb.item_codes if i not in data.columns]
            if missing:
                raise AnalyseError(f"the frame lacks the questionnaire's items ({', '.join(missing[:4])}"
                                   f"{', ...' if len(missing) > 4 else ''}): pass scales={{'name': [item columns]}}"
                                   " to score columns of your own, or an analyse.Survey")
            survey = Survey(data, codebook=cb)
            frame = survey.responses
        else:
            survey, frame = None, data
    else:
        raise TypeError(f"expected an analyse.Survey or a pandas DataFrame, got {type(data).__name__}")
    if scales is None:
        scales = {c: cb.items_of(c) for c in cb.condition_codes}
        points = cb.scale_points if cb.one_scale else None
    else:
        scales = _check_scales(frame, scales)
        points = cb.scale_points if cb is not None and cb.one_scale else None
    if n_options is not None and cb is None:
        points = np.arange(1, int(n_options) + 1, dtype=float)
    return Data(frame=frame, scales=scales, points=points, codebook=cb, survey=survey)


def _check_scales(frame: pd.DataFrame, scales) -> dict[str, list[str]]:
    if not isinstance(scales, dict) or not scales:
        raise AnalyseError("scales= must be a dict of scale name -> list of item columns, e.g. "
                           "{'cohesion': ['q1', 'q2', 'q3']} (a scale may be one column)")
    out = {}
    for name, items in scales.items():
        items = [items] if isinstance(items, str) else list(items)
        if not items:
            raise AnalyseError(f"scale {name!r} has no item columns")
        absent = [i for i in items if i not in frame.columns]
        if absent:
            raise UnknownColumnError(f"scale {name!r}: there is no column {absent[0]!r}; the columns are "
                                     f"{', '.join(map(repr, frame.columns))}")
        for i in items:
            if not (pd.api.types.is_numeric_dtype(frame[i]) or frame[i].isna().all()):
                bad = pd.to_numeric(frame[i], errors="coerce").isna() & frame[i].notna()
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise AnalyseError(f"scale {name!r}, column {i!r}, row {row}: value {frame[i].iloc[row]!r} is not "
                                   "a number; code the answers as numbers first")
        out[str(name)] = items
    return out


def _as_list(by) -> list:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def _plain(v):
    return v.item() if hasattr(v, "item") else v
