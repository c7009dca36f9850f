"""Seeded, vectorised percentile bootstrap of group means."""

from __future__ import annotations

import numpy as np
from tqdm import tqdm  # the text bar: tqdm.auto needs ipywidgets in notebooks

__all__ = ["bootstrap_mean_ci"]

#: Upper bound on the number of draws held in memory at once (resamples x values).
_CHUNK_DRAWS = 4_000_000


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
    All resamples of all groups are drawn in one array: the observations are
    sorted by group, and draw :math:`b` for slot :math:`s` of group :math:`g`
    is :math:`x_{o_g + \\lfloor U_{bs} n_g \\rfloor}` with :math:`U \\sim U(0,1)`,
    :math:`o_g` the offset and :math:`n_g` the size of the group. Group sums are
    taken with :func:`numpy.add.reduceat`. Resamples are processed in chunks of
    at most four million draws. The interval is the percentile interval
    (Efron & Tibshirani 1993, ch. 13) of the resampled means.

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
    c = codes[ok][order]
    sizes = np.bincount(c, minlength=n_groups)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    present = np.flatnonzero(sizes > 0)
    low = np.full(n_groups, np.nan)
    high = np.full(n_groups, np.nan)
    if len(x) == 0 or n_boot < 1:
        return low, high
    rng = np.random.default_rng(seed)
    slot_off = offsets[c]
    slot_size = sizes[c]
    starts = offsets[present]
    chunk = max(1, _CHUNK_DRAWS // len(x))
    means = np.empty((n_boot, len(present)))
    with tqdm(total=n_boot, desc="bootstrap", unit="resample", delay=1.0,
              disable=(progress is False), leave=False) as bar:
        for b0 in range(0, n_boot, chunk):
            b1 = min(n_boot, b0 + chunk)
            u = rng.random((b1 - b0, len(x)))
            idx = slot_off + np.floor(u * slot_size).astype(np.int64)
            sums = np.add.reduceat(x[idx], starts, axis=1)
            means[b0:b1] = sums / sizes[present]
            bar.update(b1 - b0)
    a = (1 - level) / 2
    q = np.quantile(means, [a, 1 - a], axis=0)
    low[present], high[present] = q[0], q[1]
    return low, high
