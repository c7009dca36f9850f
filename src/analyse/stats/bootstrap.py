"""Seeded, vectorised percentile bootstrap of group means."""

from __future__ import annotations

import numpy as np
from tqdm import tqdm  # the text bar: tqdm.auto needs ipywidgets in notebooks

__all__ = ["bootstrap_mean_ci"]

#: Upper bound on the number of resampled means held in memory at once (resamples x groups).
_CHUNK_MEANS = 4_000_000


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
    Resampling a group of size :math:`n` with replacement, :math:`B` times, is
    a matrix :math:`C` (:math:`B \\times n`) of how often each of its slots
    is drawn; the resampled means of all groups of that size are then one
    matrix product, :math:`C X / n`, with :math:`X` holding the groups'
    values as columns. Draw :math:`b` for slot :math:`s` is slot
    :math:`\\lfloor U_{bs} n \\rfloor` with :math:`U` from
    ``numpy.random.default_rng([seed, n]).random((B, n))``, so groups of the
    same size share the pattern of draws (common random numbers): each
    group's interval is an ordinary percentile bootstrap, and depends only on
    its own values, its size and the seed, not on the other groups in the
    analysis. With a Generator as ``seed``, sizes draw from it in increasing
    order. The interval is the percentile interval (Efron & Tibshirani 1993,
    ch. 13) of the resampled means.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1., 2, 3, 4, 5, 2, 2, 3])
    >>> lo, hi = bootstrap_mean_ci(x, np.array([0, 0, 0, 0, 0, 1, 1, 1]), 2, n_boot=500, seed=1)
    >>> bool(lo[0] < 3 < hi[0])
    True
    """
    values = np.asarray(values, dtype=float)
    codes = np.asarray(codes)
    ok = (codes >= 0) & ~np.isnan(values)
    order = np.argsort(codes[ok], kind="stable")
    x = values[ok][order]
    sizes = np.bincount(codes[ok][order], minlength=n_groups)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    low = np.full(n_groups, np.nan)
    high = np.full(n_groups, np.nan)
    if len(x) == 0 or n_boot < 1:
        return low, high
    a = (1 - level) / 2
    present = np.flatnonzero(sizes > 0)
    chunk = max(1, _CHUNK_MEANS // n_boot)
    with tqdm(total=len(present), desc="bootstrap", unit="group", delay=1.0,
              disable=(progress is False), leave=False) as bar:
        for n in np.unique(sizes[present]):
            rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(
                None if seed is None else [seed, int(n)])
            slot = np.floor(rng.random((n_boot, n)) * n).astype(np.int64)
            counts = np.bincount((np.arange(n_boot)[:, None] * n + slot).ravel(), minlength=n_boot * n)
            counts = counts.reshape(n_boot, n).astype(float)
            groups = present[sizes[present] == n]
            for g0 in range(0, len(groups), chunk):
                g = groups[g0:g0 + chunk]
                means = counts @ x[offsets[g][None, :] + np.arange(n)[:, None]] / n
                low[g], high[g] = np.quantile(means, [a, 1 - a], axis=0)
                bar.update(len(g))
    return low, high
