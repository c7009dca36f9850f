"""Success factors (seed 004) per group through the codebook's item mapping; weakest conditions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._docstrings import doc
from ..codebook import Codebook
from ..errors import AnalyseError
from ..survey import Survey
from ._common import MIN_GROUP_SIZE, add_note, quiet
from ._input import Data, as_data, required_items
from .scores import _describe, condition_means

__all__ = ["success_factors", "factor_scores"]


def factor_scores(data: Survey | pd.DataFrame, min_items: int | None = None, *,
                  codebook: Codebook | None = None) -> pd.DataFrame:
    """Score of every respondent on every success factor (long format).

    The score is the mean of the answered items the codebook maps to the
    factor, under the same ``min_items`` rule as :func:`~analyse.condition_scores`
    applied to the factor's items (by default more than half: both items of a
    two-item factor, the one item of a one-item factor).

    Returns every column that is not an item (for a Survey the metadata),
    ``condition, success_factor, score, n_items``.

    Examples
    --------
    >>> import analyse as an
    >>> f = an.factor_scores(an.sample.generate())
    >>> f[["condition", "success_factor", "n_items"]].head(2)
      condition success_factor  n_items
    0   ambitie      ambitie_a        2
    1   ambitie      ambitie_a        2
    """
    d = _with_codebook(data, codebook)
    return _factor_long(d, [c for c in d.frame.columns if c not in d.item_condition], min_items)


def _with_codebook(data, codebook) -> Data:
    d = as_data(data, codebook=codebook)
    if d.codebook is None or d.scales != {c: d.codebook.items_of(c) for c in d.codebook.condition_codes}:
        raise AnalyseError("success factors map the codebook's statements: pass a Survey or a frame with the "
                           "questionnaire's items (and codebook=), not scales= of your own")
    return d


def _factor_long(d: Data, columns: list[str], min_items) -> pd.DataFrame:
    cb = d.codebook
    sf = cb.success_factors
    r = d.frame
    columns = list(dict.fromkeys(columns))
    frames = []
    with quiet():
        for _, f in sf.iterrows():  # loop over the 15 factors of the codebook
            x = r[list(f["items"])].to_numpy(dtype=float)
            n = (~np.isnan(x)).sum(axis=1)
            s = np.where(n >= required_items(x.shape[1], min_items), np.nanmean(x, axis=1), np.nan)
            part = r[columns].copy()
            part["condition"] = f["condition"]
            part["success_factor"] = f["code"]
            part["score"] = s
            part["n_items"] = n
            frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["condition"] = pd.Categorical(out["condition"], dtype=d.condition_dtype())
    out["success_factor"] = pd.Categorical(out["success_factor"], categories=sf["code"].tolist(), ordered=True)
    return out


@doc
def success_factors(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                    min_items: int | None = None, min_n: int = MIN_GROUP_SIZE, tol: float = 1e-9,
                    confidence: float = 0.95, pool_waves: bool = False,
                    codebook: Codebook | None = None) -> pd.DataFrame:
    """Means per success factor, with the weakest condition(s) of each group and their pitfall.

    Parameters
    ----------
    {data}
        Success factors map the codebook's statements: a Survey, or a frame
        with the questionnaire's items.
    {by}
    {min_items}
    {min_n}
    tol : float
        Conditions whose mean is within ``tol`` of the lowest are all weakest.
    {confidence}
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        One row per group x success factor: the strata,
        ``condition, success_factor, factor_nl, factor_en, n, mean, sd,
        ci_low, ci_high, condition_mean, weakest`` (bool: the condition has
        the lowest mean of the group), ``pitfall_number, pitfall_nl,
        pitfall_en`` (the condition's pitfall from seed 004) and ``note``.

    Notes
    -----
    Factor score of respondent r: :math:`f_r = \\text{mean}_{i \\in I_f} x_{ri}`
    over the answered items :math:`I_f` the codebook maps to factor f; the
    group value is the mean of :math:`f_r` over respondents (mean of
    respondent means, so every respondent weighs equally). The mapping is an
    interpretation kept in the codebook (``success_factors.items``).

    Examples
    --------
    >>> import analyse as an
    >>> sf = an.success_factors(an.sample.generate(), by="leerlab")
    >>> sf.loc[sf["weakest"], ["wave", "leerlab", "condition"]].drop_duplicates().shape[1]
    3
    """
    data_ = _with_codebook(data, codebook)
    cb = data_.codebook
    by = data_.strata(by, pool_waves=pool_waves)
    fs = _factor_long(data_, by, min_items)
    agree_min, disagree_max = data_.agree_points()
    d = _describe(fs, "score", by + ["condition", "success_factor"], confidence=confidence, min_n=min_n,
                  agree_min=agree_min, disagree_max=disagree_max)
    cm = condition_means(data_, by, min_items=min_items, min_n=min_n, pool_waves=True)[by + ["condition", "mean"]]
    cm = cm.rename(columns={"mean": "condition_mean"})
    if by:
        lowest = cm.groupby(by, observed=True)["condition_mean"].transform("min")
    else:
        lowest = cm["condition_mean"].min()
    cm["weakest"] = (cm["condition_mean"] <= lowest + tol) & cm["condition_mean"].notna()
    out = d.merge(cm, on=by + ["condition"], how="left")
    labels = cb.success_factors.set_index("code")
    sfc = out["success_factor"].astype(str)
    out["factor_nl"] = sfc.map(labels["nl"]).to_numpy()
    out["factor_en"] = sfc.map(labels["en"]).to_numpy()
    pit = cb.pitfalls.set_index("condition")
    cond = out["condition"].astype(str)
    out["pitfall_number"] = cond.map(pit["number"]).to_numpy()
    out["pitfall_nl"] = cond.map(pit["nl"]).to_numpy()
    out["pitfall_en"] = cond.map(pit["en"]).to_numpy()
    cols = by + ["condition", "success_factor", "factor_nl", "factor_en", "n", "mean", "sd", "ci_low", "ci_high",
                 "condition_mean", "weakest", "pitfall_number", "pitfall_nl", "pitfall_en", "note"]
    return add_note(out[cols], data_.pooled_note(by, pool_waves))
