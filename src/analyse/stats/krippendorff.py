"""Krippendorff's alpha for many groups at once, for the nominal, ordinal, interval and ratio metrics.

The kernel :func:`alpha_from_counts` takes the number of coders that gave
each value to each unit, for every group, as one array of shape
``(groups, units, values)`` and computes the coincidence matrices, the
difference functions and alpha for all groups with batched array operations
(no Python loop over groups or units).

References
----------
Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*.
Annenberg School for Communication, University of Pennsylvania.
https://repository.upenn.edu/asc_papers/43

Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard
reliability measure for coding data. *Communication Methods and Measures*,
1(1), 77-89. https://doi.org/10.1080/19312450709336664
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._docstrings import doc
from ..codebook import Codebook
from ..errors import AnalyseError
from ..survey import Survey
from ._common import (
    MIN_GROUP_SIZE,
    add_note,
    condition_frame,
    group_codes,
    gsum,
    note,
    quiet,
    stack_conditions,
)
from ._input import as_data

__all__ = ["METRICS", "alpha_from_counts", "krippendorff"]

#: The difference functions :func:`alpha_from_counts` knows.
METRICS = ("nominal", "ordinal", "interval", "ratio")


def alpha_from_counts(counts: np.ndarray, values: np.ndarray, metric: str) -> tuple[np.ndarray, np.ndarray]:
    r"""Krippendorff's alpha per group from value counts per (group, unit, value).

    Parameters
    ----------
    counts : ndarray, shape (G, U, V)
        ``counts[g, u, c]`` is the number of coders in group ``g`` who gave
        value ``values[c]`` to unit ``u``. Groups with fewer units may be
        padded with all-zero units; values no one chose may have zero counts
        (for ``ordinal`` they still count as scale points in between).
    values : ndarray, shape (V,)
        The value domain, in ascending order for ``ordinal``, ``interval``
        and ``ratio``. Need not be consecutive: the interval and ratio
        differences use the values themselves.
    metric : {"nominal", "ordinal", "interval", "ratio"}
        Difference function :math:`\delta^2_{ck}`.

    Returns
    -------
    alpha : ndarray, shape (G,)
        Krippendorff's alpha; NaN when a group has at most one pairable value
        (:math:`n \le 1`) or no expected disagreement (everyone used the
        same value).
    n : ndarray, shape (G,)
        Number of pairable values :math:`n`: answers in units that at least
        two coders answered.

    Raises
    ------
    ValueError
        When ``metric`` is not one of the four above, or the shapes of
        ``counts`` and ``values`` do not fit.

    Notes
    -----
    With :math:`n_{uc}` the number of coders giving value :math:`c` to unit
    :math:`u` and :math:`m_u = \sum_c n_{uc}`, the coincidence matrix is

    .. math:: o_{ck} = \sum_{u:\,m_u \ge 2} \frac{n_{uc} n_{uk} - [c = k]\, n_{uc}}{m_u - 1},

    with margins :math:`n_c = \sum_k o_{ck}` and :math:`n = \sum_c n_c`
    (Krippendorff 2011). Alpha is one minus observed over expected
    disagreement,

    .. math:: \alpha = 1 - \frac{D_o}{D_e}
              = 1 - (n - 1) \frac{\sum_{c,k} o_{ck}\, \delta^2_{ck}}{\sum_{c,k} n_c n_k\, \delta^2_{ck}},

    with the difference functions

    - nominal: :math:`\delta^2_{ck} = 0` if :math:`c = k`, else 1;
    - ordinal: :math:`\delta^2_{ck} = \left(\sum_{g=c}^{k} n_g - \frac{n_c + n_k}{2}\right)^2`
      (ranks :math:`c \le k` in the value domain);
    - interval: :math:`\delta^2_{ck} = (c - k)^2`;
    - ratio: :math:`\delta^2_{ck} = \left(\frac{c - k}{c + k}\right)^2`
      (0 when :math:`c + k = 0`).

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
    https://repository.upenn.edu/asc_papers/43

    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a
    standard reliability measure for coding data. *Communication Methods and
    Measures*, 1(1), 77-89.

    Examples
    --------
    Two groups of three coders rating two units on a 1-3 scale:

    >>> counts = np.array([[[0, 3, 0], [0, 0, 3]],   # full agreement
    ...                    [[1, 1, 1], [1, 1, 1]]])  # none
    >>> alpha, n = alpha_from_counts(counts, np.array([1, 2, 3]), "interval")
    >>> alpha.round(3).tolist(), n.tolist()
    ([1.0, -0.25], [6.0, 6.0])
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(repr(m) for m in METRICS)}; got {metric!r}")
    counts = np.asarray(counts)
    values = np.asarray(values)
    if counts.ndim != 3 or values.ndim != 1 or counts.shape[2] != len(values):
        raise ValueError(f"counts must have shape (groups, units, values) with {len(values)} values; "
                         f"got {counts.shape}")
    m_u = counts.sum(axis=2)
    with quiet():
        w = np.where(m_u >= 2, 1.0 / (m_u - 1), 0.0)
        weighted = counts * w[:, :, None]
        o = np.matmul(weighted.transpose(0, 2, 1), counts)  # batched matmul: much faster than einsum here
        o -= weighted.sum(axis=1)[:, :, None] * np.eye(counts.shape[2])[None]
        nc = o.sum(axis=2)
        n = nc.sum(axis=1)
        V = len(values)
        if metric == "nominal":
            d2 = np.broadcast_to(1.0 - np.eye(V), (len(n), V, V))
        elif metric == "interval":
            d2 = np.broadcast_to((values[:, None] - values[None, :]) ** 2, (len(n), V, V))
        elif metric == "ratio":
            v = values.astype(float)
            total = v[:, None] + v[None, :]
            ratio = np.divide(v[:, None] - v[None, :], total, out=np.zeros((V, V)), where=total != 0)
            d2 = np.broadcast_to(ratio ** 2, (len(n), V, V))
        else:  # ordinal: the values between c and k, counted by their margins
            S = np.cumsum(nc, axis=1)
            i = np.arange(V)
            lo, hi = np.minimum(i[:, None], i[None, :]), np.maximum(i[:, None], i[None, :])
            between = S[:, hi] - S[:, lo] + nc[:, lo]
            d2 = (between - (nc[:, :, None] + nc[:, None, :]) / 2) ** 2
        do = (o * d2).sum(axis=(1, 2))
        de = (nc[:, :, None] * nc[:, None, :] * d2).sum(axis=(1, 2))
        alpha = 1 - (n - 1) * do / de
    alpha = np.where((n > 1) & (de > 0), alpha, np.nan)
    return alpha, n


@doc
def krippendorff(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                 scales: dict[str, Sequence[str]] | None = None, metric: str = "ordinal",
                 conditions: Sequence[str] | None = None, n_options: int | None = None,
                 min_n: int = MIN_GROUP_SIZE, pool_waves: bool = False,
                 codebook: Codebook | None = None) -> pd.DataFrame:
    """Krippendorff's alpha per group and condition, respondents as coders and items as units.

    Parameters
    ----------
    {data}
    {by}
    {scales}
    {metric}
        For ``ordinal`` all answer options form the value domain, so
        unobserved options count.
    {conditions}
    n_options : int, optional
        The answer options are 1..``n_options``; default the codebook's scale
        points, or for a frame of your own without either, the values observed.
    {min_n}
        Here ``n`` counts respondents with at least one answer.
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition, n, n_pairable, metric, alpha, note``.

    Notes
    -----
    Answers are the values, items the units and respondents the coders; the
    formulas are those of :func:`alpha_from_counts`, computed for all groups
    at once from a (group x item x value) count array. No expected
    disagreement (every answer identical) gives NaN ("no variation").
    Validated against the ``krippendorff`` package (``alpha`` with a coders x
    units matrix and ``value_domain``) and Krippendorff's (2011) worked example.

    Examples
    --------
    >>> import analyse as an
    >>> k = an.krippendorff(an.sample.generate(), by="leerlab", metric="interval")
    >>> k[["leerlab", "condition", "metric"]].head(2)
      leerlab condition    metric
    0   Sport   ambitie  interval
    1   Groen   ambitie  interval
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(map(repr, METRICS))}, not {metric!r}")
    d = as_data(data, scales=scales, codebook=codebook, n_options=n_options)
    by = d.strata(by, pool_waves=pool_waves)
    conds = d.pick(conditions)
    if d.points is not None:
        values = np.asarray(d.points, dtype=float)
    else:
        answers = d.frame[[i for c in conds for i in d.items_of(c)]].to_numpy(dtype=float)
        values = np.unique(answers[~np.isnan(answers)])
    V = len(values)
    consecutive = bool(V) and bool(np.array_equal(values, values[0] + np.arange(V)))
    codes, keys = group_codes(d.frame, by)
    G = len(keys)
    frames = []
    for cond in conds:
        items = d.items_of(cond)
        U = len(items)
        x = d.frame[items].to_numpy(dtype=float)
        blank = np.isnan(x)
        x[blank] = values[0] if V else 0.0  # blanks are masked out below
        # The index of each answer among the scale points; whole consecutive points by subtraction.
        vi = (np.clip(x - values[0], -1, V).astype(np.int64) if consecutive
              else np.minimum(np.searchsorted(values, x), max(V - 1, 0)))
        on_scale = (vi >= 0) & (vi < V) & (values[np.clip(vi, 0, max(V - 1, 0))] == x) if V else ~blank & False
        off = ~blank & ~on_scale
        if off.any():  # an answer the value domain does not hold would silently drop out of alpha
            row, col = np.argwhere(off)[0]
            raise AnalyseError(f"column {items[col]!r}, row {row}: {x[row, col]:g} is not one of the answer options "
                               f"{', '.join(f'{v:g}' for v in values)}; pass n_options= or recode the answers")
        ok = ~blank & (codes[:, None] >= 0) & on_scale
        flat = (codes[:, None] * U + np.arange(U)[None, :]) * V + vi
        counts = np.bincount(flat[ok], minlength=G * U * V).reshape(G, U, V).astype(float)
        alpha, npair = alpha_from_counts(counts, values, metric)
        n = gsum(codes, ok.any(axis=1).astype(float), G)
        no_var = (npair > 1) & np.isnan(alpha)
        frames.append(condition_frame(keys, cond, {"n_pairable": npair, "metric": metric, "alpha": alpha}, n, min_n,
                                      [np.where(no_var, note("no_variation"), ""),
                                       np.where(npair <= 1, note("no_pairable"), "")]))
    out = stack_conditions(frames, conds, d.condition_dtype(conds))
    out["n_pairable"] = out["n_pairable"].astype(float)
    return add_note(out, d.pooled_note(by, pool_waves))
