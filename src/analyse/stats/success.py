"""Success factors (seed 004) per group through the codebook's item mapping; weakest conditions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..codebook import Codebook
from ..survey import META, Survey
from ._common import MIN_GROUP_SIZE, as_by, as_survey, quiet
from .scores import _describe, condition_means, required_items

__all__ = ["success_factors", "factor_scores"]


def factor_scores(survey: Survey | pd.DataFrame, min_items: int | None = None, *,
                  codebook: Codebook | None = None) -> pd.DataFrame:
    """Score of every respondent on every success factor (long format).

    The score is the mean of the answered items the codebook maps to the
    factor, under the same ``min_items`` rule as :func:`~analyse.condition_scores`
    applied to the factor's items (by default more than half: both items of a
    two-item factor, the one item of a one-item factor).

    Returns the metadata columns, ``condition, success_factor, score, n_items``.
    """
    survey = as_survey(survey, codebook)
    sf = survey.codebook.success_factors
    r = survey.responses
    frames = []
    with quiet():
        for _, f in sf.iterrows():  # loop over the 15 factors of the codebook
            x = r[list(f["items"])].to_numpy(dtype=float)
            n = (~np.isnan(x)).sum(axis=1)
            s = np.where(n >= required_items(x.shape[1], min_items), np.nanmean(x, axis=1), np.nan)
            part = r[META].copy()
            part["condition"] = f["condition"]
            part["success_factor"] = f["code"]
            part["score"] = s
            part["n_items"] = n
            frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["condition"] = pd.Categorical(out["condition"], categories=survey.codebook.condition_codes, ordered=True)
    out["success_factor"] = pd.Categorical(out["success_factor"], categories=sf["code"].tolist(), ordered=True)
    return out


def success_factors(survey: Survey | pd.DataFrame, by: str | Sequence[str] | None = ("leerlab",), *,
                    min_items: int | None = None, min_n: int = MIN_GROUP_SIZE, tol: float = 1e-9,
                    codebook: Codebook | None = None) -> pd.DataFrame:
    """Means per success factor, with the weakest condition(s) of each group and their pitfall.

    Parameters
    ----------
    survey : Survey or DataFrame
    by : list of str
        Grouping columns (default ``["leerlab"]``).
    min_items, min_n
        Scale-score rule and minimum group size.
    tol : float
        Conditions whose mean is within ``tol`` of the lowest are all weakest.

    Returns
    -------
    DataFrame
        One row per group x success factor: the ``by`` columns,
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
    >>> sf = an.success_factors(an.sample.generate(), by=["wave", "leerlab"])  # doctest: +SKIP
    >>> sf[sf["weakest"]]                                                     # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    cb = survey.codebook
    by = as_by(by)
    fs = factor_scores(survey, min_items)
    d = _describe(fs, "score", by + ["condition", "success_factor"], ci="t", n_boot=0, seed=None, level=0.95,
                  min_n=min_n, agree_min=min(cb.agree_points), disagree_max=max(cb.disagree_points))
    cm = condition_means(survey, by, min_items=min_items, min_n=min_n)[by + ["condition", "mean"]]
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
    return out[cols]
