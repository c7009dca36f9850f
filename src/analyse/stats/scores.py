"""Scale scores per respondent and condition, and descriptive means per group."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as st

from ..codebook import Codebook
from ..survey import META, Survey
from ._common import MIN_GROUP_SIZE, as_by, as_survey, group_codes, gsum, join_notes, note_small, per_distinct, quiet
from .bootstrap import bootstrap_mean_ci

__all__ = ["condition_scores", "condition_means"]


def required_items(k: int, min_items: int | None) -> int:
    """Items a respondent must answer for a scale score: more than half by default.

    ``min_items=None`` gives :math:`\\lfloor k/2 \\rfloor + 1`; a larger
    ``min_items`` than the condition has items is read as "all items".
    """
    if min_items is None:
        return k // 2 + 1
    if int(min_items) < 1:
        raise ValueError("min_items must be at least 1")
    return min(int(min_items), k)


def score_matrix(survey: Survey, min_items: int | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Scale scores as an (N respondents x C conditions) array, with the items answered.

    The one place where a scale score is defined (see :func:`condition_scores`).
    """
    cb = survey.codebook
    conds = cb.condition_codes
    r = survey.responses
    scores = np.full((len(r), len(conds)), np.nan)
    answered = np.zeros((len(r), len(conds)), dtype=np.int64)
    with quiet():
        for j, cond in enumerate(conds):
            x = r[cb.items_of(cond)].to_numpy(dtype=float)
            n = (~np.isnan(x)).sum(axis=1)
            m = np.nanmean(x, axis=1) if x.shape[1] else np.full(len(r), np.nan)
            need = required_items(x.shape[1], min_items)
            scores[:, j] = np.where(n >= need, m, np.nan)
            answered[:, j] = n
    return scores, answered, conds


def condition_scores(survey: Survey | pd.DataFrame, min_items: int | None = None, *,
                     codebook: Codebook | None = None) -> pd.DataFrame:
    """Scale score of every respondent on every condition (long format).

    Parameters
    ----------
    survey : Survey or DataFrame
        A :class:`~analyse.Survey` or a canonical responses frame.
    min_items : int, optional
        Items a respondent must have answered for a score. Default: more than
        half of the condition's items (3 of 4, 3 of 5). ``min_items=1`` uses
        every answer. Values above the number of items mean "all items".
    codebook : Codebook, optional
        Used when ``survey`` is a bare frame.

    Returns
    -------
    DataFrame
        ``respondent_id, wave, leerlab, partner, sector, level, condition,
        score, n_items``: one row per respondent x condition; ``score`` is NaN
        when fewer than ``min_items`` items were answered (``n_items`` says how
        many were). :func:`condition_means` counts those as ``n_missing``.

    Notes
    -----
    .. math:: s_{rc} = \\frac{1}{|A_{rc}|} \\sum_{i \\in A_{rc}} x_{ri}
              \\quad\\text{if } |A_{rc}| \\ge m_c,\\ \\text{else NaN}

    with :math:`A_{rc}` the items of condition :math:`c` respondent :math:`r`
    answered and :math:`m_c = \\lfloor k_c/2 \\rfloor + 1` by default
    (prorated mean, the usual rule for Likert scales with some missing items).
    Validated against a per-respondent ``numpy.nanmean`` in the tests.

    Examples
    --------
    >>> import analyse as an
    >>> s = an.sample.generate(seed=1)                     # doctest: +SKIP
    >>> an.condition_scores(s).head()                      # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    scores, answered, conds = score_matrix(survey, min_items)
    r = survey.responses
    n, c = scores.shape
    out = r.loc[np.repeat(np.arange(n), c), META].reset_index(drop=True)
    out["condition"] = pd.Categorical.from_codes(np.tile(np.arange(len(conds)), n), categories=conds, ordered=True)
    out["score"] = scores.ravel()
    out["n_items"] = answered.ravel()
    return out


def _describe(df: pd.DataFrame, value: str, group: list[str], *, ci: str, n_boot: int, seed,
              level: float, min_n: int, agree_min: float, disagree_max: float) -> pd.DataFrame:
    """n, mean, sd, se, CI, median and shares of ``value`` per group (vectorised)."""
    codes, keys = group_codes(df, group)
    G = len(keys)
    x = df[value].to_numpy(dtype=float)
    ok = ~np.isnan(x)
    x0 = np.where(ok, x, 0.0)
    with quiet():
        rows = gsum(codes, np.ones(len(x)), G)
        n = gsum(codes, ok.astype(float), G)
        s1 = gsum(codes, x0, G)
        mean = s1 / n
        dev = np.where(ok, x - mean[np.clip(codes, 0, None)], 0.0)  # two-pass variance
        var = gsum(codes, dev * dev, G) / (n - 1)
        sd = np.sqrt(var)
        se = sd / np.sqrt(n)
        agree = gsum(codes, (ok & (x0 >= agree_min)).astype(float), G) / n
        disagree = gsum(codes, (ok & (x0 <= disagree_max)).astype(float), G) / n
        if ci == "t":
            tq = per_distinct(lambda df: st.t.ppf(0.5 + level / 2, df), n - 1)
            lo, hi = mean - tq * se, mean + tq * se
        elif ci == "bootstrap":
            lo, hi = bootstrap_mean_ci(x, codes, G, n_boot=n_boot, seed=seed, level=level)
        else:
            raise ValueError("ci must be 't' or 'bootstrap'")
    grouped = codes >= 0
    med = pd.Series(df[value].to_numpy()[grouped]).groupby(codes[grouped]).median()
    median = np.full(G, np.nan)
    median[med.index.to_numpy()] = med.to_numpy()
    small = n < min_n
    out = keys.reset_index(drop=True).copy()
    out["n"] = n.astype(np.int64)
    out["n_missing"] = (rows - n).astype(np.int64)
    for name, val in [("mean", mean), ("sd", sd), ("se", se), ("ci_low", lo), ("ci_high", hi),
                      ("median", median), ("share_agree", agree), ("share_disagree", disagree)]:
        out[name] = np.where(small, np.nan, val)
    out["note"] = join_notes(note_small(n, min_n), np.where(~small & (n > 1) & (sd == 0), "zero variance", ""))
    return out


def condition_means(survey: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                    items: bool = False, ci: str = "t", n_boot: int = 2000, seed=None,
                    level: float = 0.95, min_items: int | None = None, min_n: int = MIN_GROUP_SIZE,
                    codebook: Codebook | None = None) -> pd.DataFrame:
    """Mean, spread and agreement shares per group and condition (or item).

    Parameters
    ----------
    survey : Survey or DataFrame
    by : list of str, optional
        Grouping columns, e.g. ``["wave", "leerlab"]``; empty/None for overall.
    items : bool
        Describe each item (raw answers) instead of each condition's scale score.
    ci : {"t", "bootstrap"}
        t-based interval (default) or seeded percentile bootstrap
        (:func:`~analyse.stats.bootstrap.bootstrap_mean_ci`, vectorised over
        resamples and groups).
    n_boot, seed : int
        Bootstrap resamples and seed.
    level : float
        Confidence level (0.95).
    min_items : int, optional
        Scale-score rule, see :func:`condition_scores`.
    min_n : int
        Groups with fewer valid scores get NaN estimates and a ``note``
        (default :data:`analyse.stats._common.MIN_GROUP_SIZE` = 5).

    Returns
    -------
    DataFrame
        The ``by`` columns, ``condition`` (and ``item``), ``n`` (valid scores),
        ``n_missing`` (respondents without a score), ``mean, sd, se, ci_low,
        ci_high, median, share_agree, share_disagree, note``.
        ``share_agree`` is the share of scores at or above the lowest agree
        point (4), ``share_disagree`` at or below the highest disagree point (2);
        for items these are exactly the answers 4-5 and 1-2.

    Notes
    -----
    .. math:: \\bar x \\pm t_{0.975,\\,n-1}\\, s/\\sqrt{n}, \\qquad
              s^2 = \\frac{1}{n-1}\\sum (x_i-\\bar x)^2

    A group of one respondent has NaN ``sd``; a group with zero variance has
    ``sd = 0`` and a zero-width interval (noted). Validated against
    ``scipy.stats.t.interval`` and pandas' ``std``.

    Examples
    --------
    >>> import analyse as an
    >>> an.condition_means(an.sample.generate(), by=["leerlab"])  # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    cb = survey.codebook
    by = as_by(by)
    if items:
        df = survey.long()
        group = by + ["condition", "item"]
        value = "score"
    else:
        df = condition_scores(survey, min_items)
        group = by + ["condition"]
        value = "score"
    return _describe(df, value, group, ci=ci, n_boot=n_boot, seed=seed, level=level, min_n=min_n,
                     agree_min=min(cb.agree_points), disagree_max=max(cb.disagree_points))
