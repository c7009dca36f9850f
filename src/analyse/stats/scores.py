"""Scale scores per respondent and condition, and descriptive means per group."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as st

from .._docstrings import doc
from ..codebook import Codebook
from ..survey import Survey
from ._common import (
    MIN_GROUP_SIZE,
    add_note,
    group_codes,
    join_notes,
    note,
    note_one_respondent,
    note_small,
    per_distinct,
    quiet,
    tallies,
    tally_median,
    zero_if_rounding,
)
from ._input import as_data, required_items
from .bootstrap import bootstrap_mean_ci

__all__ = ["condition_means", "condition_scores", "required_items"]


def score_matrix(survey: Survey, min_items: int | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Scale scores as an (N respondents x C conditions) array, with the items answered.

    The one place where a scale score is defined (see :func:`condition_scores`).
    """
    return as_data(survey).score_matrix(min_items)


def condition_scores(data: Survey | pd.DataFrame, min_items: int | None = None, *,
                     scales: dict[str, Sequence[str]] | None = None,
                     codebook: Codebook | None = None) -> pd.DataFrame:
    """Scale score of every respondent on every condition (long format).

    Parameters
    ----------
    data : Survey or DataFrame
        A :class:`~analyse.Survey`, or a frame with one row per respondent
        (with ``scales=``, or the questionnaire's item columns).
    min_items : int, optional
        Items a respondent must have answered for a score. Default: more than
        half of the condition's items (3 of 4, 3 of 5). ``min_items=1`` uses
        every answer. Values above the number of items mean "all items".
    scales : dict of str to list of str, optional
        Scale name -> its item columns, for a frame of your own; default the
        codebook's conditions.
    codebook : Codebook, optional
        Used when ``data`` is a frame.

    Returns
    -------
    DataFrame
        Every column of ``data`` that is not an item (for a Survey:
        ``respondent_id, wave, leerlab, partner, sector, level`` and any extra
        columns), then ``condition, score, n_items``: one row per respondent x
        condition; ``score`` is NaN when fewer than ``min_items`` items were
        answered (``n_items`` says how many were). :func:`condition_means`
        counts those as ``n_missing``.

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
    >>> scores = an.condition_scores(an.sample.generate())
    >>> scores[["condition", "score"]].head(2)
      condition  score
    0   ambitie   3.75
    1  belangen   3.00
    """
    d = as_data(data, scales=scales, codebook=codebook)
    return d.long_scores([c for c in d.frame.columns if c not in d.item_condition], min_items)


def _describe(df: pd.DataFrame, value: str, group: list[str], **kwargs) -> pd.DataFrame:
    """:func:`_summary` of the column ``value`` of a long frame per ``group``."""
    codes, keys = group_codes(df, group)
    return _summary(df[value].to_numpy(dtype=float), codes, keys, **kwargs)


def _summary(x: np.ndarray, codes: np.ndarray, keys: pd.DataFrame, *, min_n: int, agree_min: float = np.nan,
             disagree_max: float = np.nan, confidence: float = 0.95, ci_method: str = "t", n_boot: int = 0,
             seed=None) -> pd.DataFrame:
    """n, mean, sd, se, CI, median and shares of ``x`` per group code (vectorised).

    All but the bootstrap interval come from how often each distinct value
    occurs in each group (:func:`~analyse.stats._common.tallies`): scores take
    few values, so the cost is linear in the rows and the median needs no sort.
    Shares are NaN when the scale names no agree or disagree points (NaN ``agree_min``).
    """
    G = len(keys)
    group, value, count = tallies(x, codes, G)
    w = count.astype(float)
    with quiet():
        rows = np.bincount(codes + 1, minlength=G + 1)[1:].astype(float)  # code -1 counted apart, then dropped
        n = np.bincount(group, weights=w, minlength=G)
        mean = np.bincount(group, weights=w * value, minlength=G) / n
        var = np.bincount(group, weights=w * (value - mean[group]) ** 2, minlength=G) / (n - 1)  # two-pass
        var = zero_if_rounding(var, mean)
        sd = np.sqrt(var)
        se = sd / np.sqrt(n)
        agree = np.bincount(group, weights=w * (value >= agree_min), minlength=G) / n
        disagree = np.bincount(group, weights=w * (value <= disagree_max), minlength=G) / n
        if ci_method == "t":
            tq = per_distinct(lambda df: st.t.ppf(0.5 + confidence / 2, df), n - 1)
            lo, hi = mean - tq * se, mean + tq * se
        elif ci_method == "bootstrap":
            lo, hi = bootstrap_mean_ci(x, codes, G, n_boot=n_boot, seed=seed, level=confidence)
        else:
            raise ValueError(f"ci_method must be 't' or 'bootstrap', not {ci_method!r}")
        if np.isnan(agree_min) or np.isnan(disagree_max):  # a scale without agree/disagree points
            agree = disagree = np.full(G, np.nan)
    median = tally_median(group, value, count, G)
    small = n < min_n
    out = keys.reset_index(drop=True).copy()
    out["n"] = n.astype(np.int64)
    out["n_missing"] = (rows - n).astype(np.int64)
    for name, val in [("mean", mean), ("sd", sd), ("se", se), ("ci_low", lo), ("ci_high", hi),
                      ("median", median), ("share_agree", agree), ("share_disagree", disagree)]:
        out[name] = np.where(small, np.nan, val)
    out["note"] = join_notes(note_small(n, min_n), np.where(small, "", note_one_respondent(n)),
                             np.where(~small & (n > 1) & (sd == 0), note("zero_variance"), ""))
    return out


@doc
def condition_means(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                    scales: dict[str, Sequence[str]] | None = None, items: bool = False, ci_method: str = "t",
                    n_boot: int = 2000, seed=None, confidence: float = 0.95, min_items: int | None = None,
                    min_n: int = MIN_GROUP_SIZE, pool_waves: bool = False,
                    codebook: Codebook | None = None) -> pd.DataFrame:
    """Mean, spread and agreement shares per group and condition (or item).

    Parameters
    ----------
    {data}
    {by}
    {scales}
    items : bool
        Describe each item (raw answers) instead of each condition's scale score.
    ci_method : {"t", "bootstrap"}
        t-based interval (default) or seeded percentile bootstrap
        (:func:`~analyse.stats.bootstrap.bootstrap_mean_ci`, vectorised over
        resamples and groups).
    n_boot, seed : int
        Bootstrap resamples and seed.
    {confidence}
    {min_items}
    {min_n}
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition`` (and ``item``), ``n`` (valid scores),
        ``n_missing`` (respondents without a score), ``mean, sd, se, ci_low,
        ci_high, median, share_agree, share_disagree, note``.
        ``share_agree`` is the share of scores at or above the lowest agree
        point of the codebook (4), ``share_disagree`` at or below the highest
        disagree point (2); for items these are exactly the answers 4-5 and
        1-2. Without such points (a frame of your own, or a codebook that
        names none) the shares are NaN.

    Notes
    -----
    .. math:: \\bar x \\pm t_{(1+c)/2,\\,n-1}\\, s/\\sqrt{n}, \\qquad
              s^2 = \\frac{1}{n-1}\\sum (x_i-\\bar x)^2

    with :math:`c` the ``confidence``. A group of one respondent has NaN
    ``sd``; a group with zero variance has ``sd = 0`` and a zero-width
    interval (noted). Every group is computed at once from how often each
    distinct score occurs in it (scale scores take few values), so the cost
    grows linearly with the respondents and the median needs no sorting.
    Validated against ``scipy.stats.t.interval`` and pandas' ``std`` and
    ``median``.

    Examples
    --------
    >>> import analyse as an
    >>> survey = an.sample.generate()
    >>> means = an.condition_means(survey, by="leerlab")
    >>> means.columns[:4].tolist()
    ['wave', 'leerlab', 'condition', 'n']
    """
    d = as_data(data, scales=scales, codebook=codebook)
    by = d.strata(by, pool_waves=pool_waves)
    x, codes, keys = _cells(d, by, items, min_items)
    agree_min, disagree_max = d.agree_points()
    out = _summary(x, codes, keys, ci_method=ci_method, n_boot=n_boot, seed=seed, confidence=confidence,
                   min_n=min_n, agree_min=agree_min, disagree_max=disagree_max)
    return add_note(out, d.pooled_note(by, pool_waves))


def _cells(d, by: list[str], items: bool, min_items: int | None) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Every respondent's score on every condition (or answer to every item), flat, with its group and the keys.

    The groups are the strata, then ``condition`` (and ``item``), in the order
    of grouping the long format by them; the strata are coded once per
    respondent, not once per score, and no long frame is built.
    """
    conds = d.conditions
    if items:
        names = [i for c in conds for i in d.items_of(c)]
        x = d.frame[names].to_numpy(dtype=float)
        owner = np.repeat(np.arange(len(conds)), [len(d.items_of(c)) for c in conds])
    else:
        x = d.score_matrix(min_items)[0]
        owner = np.arange(len(conds))
    codes, keys = group_codes(d.frame, by)
    width = x.shape[1]
    G = len(keys) if len(x) else 0  # no respondents, no groups (without strata group_codes gives one)
    cells = codes[:, None] * width + np.arange(width)
    cells[codes < 0] = -1
    out = keys.iloc[np.repeat(np.arange(G), width)].reset_index(drop=True)
    out["condition"] = pd.Categorical.from_codes(np.tile(owner, G), dtype=d.condition_dtype(conds))
    if items:
        out["item"] = pd.Categorical.from_codes(np.tile(np.arange(width), G),
                                                dtype=pd.CategoricalDtype(names, ordered=True))
    return x.ravel(), cells.ravel(), out
