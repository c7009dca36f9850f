"""Seeded, vectorised percentile bootstrap of group means."""

from __future__ import annotations

import numpy as np
from tqdm import tqdm  # the text bar: tqdm.auto needs ipywidgets in notebooks

from ._common import tallies

__all__ = ["bootstrap_mean_ci"]

#: Upper bound on the number of resampled means held in memory at once (resamples x groups).
_CHUNK_MEANS = 4_000_000

#: Groups up to this size resample their slots; larger ones draw counts over their distinct values. Below it
#: the slots' draws (resamples x size, shared by all groups of a size) cost about what B x (distinct values)
#: binomial draws of a Likert score (up to ~40 values) cost per group; above it they grow with n and counts do not.
SLOTS_UP_TO = 256


def bootstrap_mean_ci(values: np.ndarray, codes: np.ndarray, n_groups: int, *, n_boot: int = 2000,
                      seed: int | np.random.Generator | None = None, level: float = 0.95,
                      progress: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap confidence interval of the mean of every group at once.

    Parameters
    ----------
    values : ndarray, shape (N,)
        Observations; NaN values (and rows with ``codes == -1``) are ignored.
    codes : ndarray of int, shape (N,)
        Group code per observation, ``0 .. n_groups-1``.
    n_groups : int
    n_boot : int
        Number of resamples.
    seed : int, Generator or None
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same interval.
    level : float
        Coverage of the interval (default 0.95).
    progress : bool or None
        Show a tqdm bar; ``None`` (default) shows it only when the run takes
        longer than about a second (tqdm's ``delay=1``).

    Returns
    -------
    low, high : ndarray, shape (n_groups,)
        NaN for groups without observations.

    Notes
    -----
    The interval is the percentile interval (Efron & Tibshirani 1993,
    ch. 13) of :math:`B` resampled means: the :math:`(1 \\mp c)/2`
    quantiles (``numpy.quantile``, linear) of
    :math:`\\bar x^*_b = \\frac1n \\sum_i C_{bi} x_i`, with :math:`C_{bi}`
    how often observation :math:`i` of the group (size :math:`n`) is drawn
    in resample :math:`b`. Only these counts are random, and they are drawn
    in one of two ways, each an ordinary bootstrap:

    - A group of at most :data:`SLOTS_UP_TO` observations draws slots: draw
      :math:`b` for slot :math:`s` is slot :math:`\\lfloor U_{bs} n \\rfloor`
      with :math:`U` from ``numpy.random.default_rng([seed, n]).random((B, n))``,
      so groups of the same size share the pattern of draws (common random
      numbers) and their means are one matrix product, :math:`C X / n`.
    - A larger group is resampled as counts over its :math:`K` distinct
      values :math:`v_1 < \\dots < v_K` (with :math:`m_k` observations each):
      :math:`(N_{b1}, \\dots, N_{bK}) \\sim \\mathrm{Multinomial}(n, m/n)`
      from ``numpy.random.default_rng([seed, n]).multinomial``, and
      :math:`\\bar x^*_b = \\sum_k N_{bk} v_k / n`. This is the same
      distribution of resampled means (all observations of one value are
      interchangeable) at a cost of :math:`B \\times K` instead of
      :math:`B \\times n`: a scale score takes few distinct values.

    Either way a group's interval depends only on its own values (for
    slots, in the order of its rows), its size and the seed, not on the
    other groups in the analysis. With a Generator
    as ``seed``, sizes draw from it in increasing order (groups of one large
    size in the order of their codes).

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Examples
    --------
    >>> import analyse as an
    >>> from analyse.stats._common import group_codes
    >>> scores = an.condition_scores(an.load("data/sample"))
    >>> codes, keys = group_codes(scores, ["condition"])
    >>> lo, hi = bootstrap_mean_ci(scores["score"].to_numpy(), codes, len(keys), n_boot=500, seed=1)
    >>> means = scores.groupby("condition", observed=True)["score"].mean().to_numpy()
    >>> bool(((lo < means) & (means < hi)).all())
    True
    """
    values = np.asarray(values, dtype=float)
    codes = np.asarray(codes)
    ok = (codes >= 0) & ~np.isnan(values)
    c, x = codes[ok], values[ok]
    sizes = np.bincount(c, minlength=n_groups)
    low = np.full(n_groups, np.nan)
    high = np.full(n_groups, np.nan)
    if len(x) == 0 or n_boot < 1:
        return low, high
    q = [(1 - level) / 2, (1 + level) / 2]
    slotted = sizes[c] <= SLOTS_UP_TO
    order = np.argsort(c[slotted], kind="stable")
    xs = x[slotted][order]
    offsets = np.cumsum(np.where(sizes <= SLOTS_UP_TO, sizes, 0)) - np.where(sizes <= SLOTS_UP_TO, sizes, 0)
    tally_group, tally_value, tally = tallies(x[~slotted], c[~slotted], n_groups)
    first = np.searchsorted(tally_group, np.arange(n_groups + 1))
    present = np.flatnonzero(sizes > 0)
    chunk = max(1, _CHUNK_MEANS // n_boot)

    def rng_for(n):
        return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(
            None if seed is None else [seed, int(n)])

    with tqdm(total=len(present), desc="bootstrap", unit="group", delay=1.0,
              disable=(progress is False), leave=False) as bar:
        for n in np.unique(sizes[present]):
            groups = present[sizes[present] == n]
            if n <= SLOTS_UP_TO:
                slot = np.floor(rng_for(n).random((n_boot, n)) * n).astype(np.int64)
                counts = np.bincount((np.arange(n_boot)[:, None] * n + slot).ravel(), minlength=n_boot * n)
                counts = counts.reshape(n_boot, n).astype(float)
                for g0 in range(0, len(groups), chunk):
                    g = groups[g0:g0 + chunk]
                    means = counts @ xs[offsets[g][None, :] + np.arange(n)[:, None]] / n
                    low[g], high[g] = np.quantile(means, q, axis=0)
                    bar.update(len(g))
                continue
            # One stream per group, as each slotted size has one: its interval must not depend on the
            # other groups. The loop is over groups of more than SLOTS_UP_TO observations, each B x K draws.
            for g in groups:
                k = slice(first[g], first[g + 1])
                means = rng_for(n).multinomial(n, tally[k] / n, size=n_boot) @ tally_value[k] / n
                low[g], high[g] = np.quantile(means, q)
                bar.update(1)
    return low, high
