"""Shared machinery of the statistics: input coercion, grouping, group sums, Holm, notes.

Every statistic in :mod:`analyse.stats` is computed for all groups at once:
rows are mapped to an integer group code (:func:`group_codes`) and sums per
group are taken with one sparse-matrix product (:func:`gsum`). No function
loops over groups or respondents unless its docstring says so.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import MissingColumnError
from ..texts import text

__all__ = [
    "MIN_GROUP_SIZE",
    "add_note",
    "condition_frame",
    "distinct_values",
    "group_codes",
    "gsum",
    "holm",
    "join_notes",
    "note",
    "note_one_respondent",
    "note_small",
    "quiet",
    "tallies",
    "tally_median",
    "zero_if_rounding",
]

#: Minimum number of respondents (or complete cases) a group needs before any
#: estimate is reported; smaller groups get NaN and a ``note``. Every function
#: takes ``min_n=`` and defaults to this value.
MIN_GROUP_SIZE = 5


def group_codes(df: pd.DataFrame, cols: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group code per row and the key frame (one row per observed group).

    Rows with a missing key get code ``-1``. With ``cols`` empty every row is
    in group 0 and the key frame has one row and no columns.
    """
    cols = list(cols)
    if not cols:
        return np.zeros(len(df), dtype=np.int64), pd.DataFrame(index=range(1))
    empty = [c for c in cols if len(df) and df[c].isna().all()]
    if empty:  # a form that did not ask it: say so, rather than return no groups
        raise MissingColumnError(empty[0])
    if all(isinstance(df[c].dtype, pd.CategoricalDtype) for c in cols):
        found = _categorical_group_codes(df, cols)
        if found is not None:
            return found
    g = df.groupby(cols, observed=True, sort=True, dropna=True)
    codes = g.ngroup().to_numpy()
    codes = np.where(np.isnan(codes.astype(float)), -1, codes).astype(np.int64)
    keys = g.size().reset_index()[cols]
    for c in cols:  # keep the categorical dtype of the input columns
        if isinstance(df[c].dtype, pd.CategoricalDtype):
            keys[c] = pd.Categorical(keys[c], categories=df[c].cat.categories, ordered=df[c].cat.ordered)
    return codes, keys


def _categorical_group_codes(df: pd.DataFrame, cols: list[str]):
    """:func:`group_codes` for categorical keys from their integer codes, without hashing values.

    The key columns' codes combine into one integer (first column most
    significant), so the groups come out in the order ``groupby(sort=True)``
    gives them. None when the combined range is too large to count.
    """
    # Digit 0 of every column is "missing" (category code -1): a row's digits, shifted by one, combine
    # into a number without setting missing rows apart first, and cells with a 0 digit are no group.
    radix = [m + 1 for m in (len(df[c].cat.categories) for c in cols)]
    span = int(np.prod(radix, dtype=object))
    if span > max(50_000_000, 4 * len(df)):
        return None
    combined = np.zeros(len(df), dtype=np.int64)
    valid = np.ones(1, dtype=bool)
    for c, m in zip(cols, radix):
        combined = combined * m + (df[c].cat.codes.to_numpy() + 1)
        valid = (valid[:, None] & (np.arange(m) > 0)).ravel()
    present = (np.bincount(combined, minlength=span) > 0) & valid
    rank = np.where(present, np.cumsum(present) - 1, -1)
    codes = rank[combined]
    rest = np.flatnonzero(present)
    keys = {}
    for c, m in zip(reversed(cols), reversed(radix)):
        keys[c] = pd.Categorical.from_codes(rest % m - 1, dtype=df[c].dtype)
        rest = rest // m
    return codes, pd.DataFrame({c: keys[c] for c in cols})


def per_distinct(fn, x: np.ndarray) -> np.ndarray:
    """``fn(x)`` computed once per distinct value of ``x``: scipy's quantile functions cost per element,
    and a group size takes few values over thousands of groups."""
    x = np.asarray(x, dtype=float)
    flat = x.reshape(-1)
    finite = np.isfinite(flat)
    out = np.full(flat.shape, np.nan)
    if finite.any():
        u, inv = np.unique(flat[finite], return_inverse=True)
        out[finite] = np.asarray(fn(u), dtype=float)[inv]
    return out.reshape(x.shape)


def distinct_values(x: np.ndarray, nan_last: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``x`` in increasing order, and each element's index among them.

    NaN gets index -1, or with ``nan_last`` the index one past the last value.
    By hashing (:func:`pandas.factorize`): only the distinct values are sorted,
    so the cost is linear in ``len(x)`` when they are few, as answers and scale
    scores are.
    """
    index, distinct = pd.factorize(np.asarray(x, dtype=float))
    order = np.argsort(distinct, kind="stable")
    rank = np.full(len(distinct) + 1, len(distinct) if nan_last else -1, dtype=np.int64)
    rank[order] = np.arange(len(distinct))  # the last entry answers factorize's -1 (NaN)
    return distinct[order], rank[index]


def tallies(x: np.ndarray, codes: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct values of ``x`` in each group and how often each occurs: ``group, value, count``.

    Sorted by group, then value; NaN and rows with code -1 are left out. The
    counts come from one (groups x distinct values) table when it is at most a
    few times as large as ``x`` (answers and scale scores take few values):
    linear time. Otherwise (values of a continuous measure) the occupied cells
    are found by sorting them.
    """
    values, index = distinct_values(x, nan_last=True)
    width = len(values) + 1
    # Row 0 of the table counts code -1 and the last column NaN, both dropped after counting:
    # one pass over the data instead of selecting the rows to count first.
    cell = (np.asarray(codes) + 1) * width + index
    if (n_groups + 1) * width <= 4 * len(x) + 4096:
        table = np.bincount(cell, minlength=(n_groups + 1) * width).reshape(n_groups + 1, width)[1:, :-1]
        group, value = np.nonzero(table)
        count = table[group, value]
    else:
        cell, count = np.unique(cell, return_counts=True)
        group, value = np.divmod(cell, width)
        kept = (group > 0) & (value < width - 1)
        group, value, count = group[kept] - 1, value[kept], count[kept]
    return group, values[value], count


def tally_median(group: np.ndarray, value: np.ndarray, count: np.ndarray, n_groups: int) -> np.ndarray:
    """Median per group from :func:`tallies`: the middle value, or the mean of the two middle ones; NaN for none.

    With :math:`n` values in a group and 0-based positions in increasing order,
    the median is :math:`(x_{(\\lfloor (n-1)/2 \\rfloor)} + x_{(\\lfloor n/2 \\rfloor)})/2`
    (both the same value when :math:`n` is odd), as ``pandas``' and ``numpy``'s
    median; the positions are found among the cumulative counts, no sort.
    """
    n = np.bincount(group, weights=count, minlength=n_groups).astype(np.int64)
    end = np.cumsum(count)  # position after the last value of every tally, over all groups in turn
    start = np.cumsum(n) - n
    found = n > 0
    out = np.full(n_groups, np.nan)
    low = np.searchsorted(end, (start + (n - 1) // 2)[found], side="right")
    high = np.searchsorted(end, (start + n // 2)[found], side="right")
    out[found] = (value[low] + value[high]) / 2
    return out


def zero_if_rounding(var: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """``var`` set to exactly 0 where it is rounding noise: at most :math:`(10^{-12}\\max(1, |mean|))^2`.

    A constant whose mean binary cannot hold exactly (3.2) leaves a variance of
    about 1e-31 after the two passes, which would divide into t = 1e15.
    """
    return np.where(var <= (1e-12 * np.maximum(1.0, np.abs(mean))) ** 2, 0.0, var)


def gsum(codes: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum ``values`` (shape ``(N, ...)``) per group code; rows with code -1 are skipped.

    Column by column with :func:`numpy.bincount` (a weighted count; code -1
    sums into a bin of its own that is dropped), or, for wide rows stored row
    by row, one sparse (groups x rows) indicator matrix product that reads
    them once. Either way the cost is linear in the number of rows and
    independent of the number of groups, and every group's rows are added in
    row order.
    """
    values = np.asarray(values, dtype=float)
    shifted = np.asarray(codes) + 1
    n = len(shifted)

    def count(column):
        return np.bincount(shifted, weights=column, minlength=n_groups + 1)[1:n_groups + 1]

    if values.ndim == 1:
        return count(values)
    flat = values.reshape(n, int(np.prod(values.shape[1:])))
    if flat.shape[1] == 0:
        out = np.zeros((n_groups, 0))
    elif flat.flags.f_contiguous or flat.shape[1] <= 8:
        out = np.stack([count(column) for column in flat.T], axis=1)
    else:  # a strided column would touch every row's memory once per column
        keep = np.flatnonzero(shifted > 0)
        ind = sparse.csr_matrix((np.ones(len(keep)), (shifted[keep] - 1, keep)), shape=(n_groups, n))
        out = np.asarray(ind @ flat)
    return out.reshape((n_groups,) + values.shape[1:])


def holm(p: np.ndarray | pd.Series, family: np.ndarray | pd.Series | None = None) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values, within each family; NaN stays NaN.

    .. math:: \\tilde p_{(i)} = \\max_{j \\le i} \\min\\{1, (m - j + 1)\\, p_{(j)}\\}

    where :math:`m` counts the non-missing p-values of the family. Validated
    against ``pingouin.multicomp(method="holm")``.
    """
    p = np.asarray(p, dtype=float)
    fam = np.zeros(len(p), dtype=np.int64) if family is None else pd.factorize(pd.Series(family).astype(str))[0]
    df = pd.DataFrame({"p": p, "fam": fam, "pos": np.arange(len(p))}).dropna(subset=["p"])
    df = df.sort_values(["fam", "p"], kind="mergesort")
    m = df.groupby("fam")["p"].transform("size").to_numpy()
    j = df.groupby("fam").cumcount().to_numpy()
    df["adj"] = np.minimum(1.0, (m - j) * df["p"].to_numpy())
    df["adj"] = df.groupby("fam")["adj"].cummax()
    out = np.full(len(p), np.nan)
    out[df["pos"].to_numpy()] = df["adj"].to_numpy()
    return out


@contextlib.contextmanager
def quiet():
    """Silence numpy's floating-point RuntimeWarnings on purpose.

    Small groups, zero variances and all-missing items give 0/0 and the like;
    those NaN results are expected, documented and explained in ``note``.
    """
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def note(key: str, **values) -> str:
    """The note ``key`` of ``[note]`` in texts.toml, in English: :func:`analyse.texts.translate_notes` reads it back."""
    return text(f"note.{key}", "en", **values)


def note_small(n: np.ndarray, min_n: int) -> np.ndarray:
    """Note for groups below ``min_n`` (empty string otherwise)."""
    return np.where(np.asarray(n) < min_n, note("small", min_n=min_n), "")


def note_one_respondent(n: np.ndarray) -> np.ndarray:
    """The note of groups of exactly one respondent: a spread (and what rests on one) is undefined."""
    return np.where(np.asarray(n) == 1, note("one_respondent"), "")


def join_notes(*notes) -> np.ndarray:
    """Join note arrays element-wise with ``"; "``, skipping empty ones (vectorised)."""
    out = None
    for a in notes:
        a = np.asarray(a, dtype=object)
        if out is None:
            out = a.copy()
            continue
        out = np.where(out == "", a, np.where(a == "", out, out + "; " + a))
    return np.asarray(out, dtype=object)


def condition_frame(keys: pd.DataFrame, cond, cols: dict, n, min_n: int, extra_notes=()) -> pd.DataFrame:
    """One condition's result per group: keys, ``condition``, ``n``, ``cols`` (NaN below ``min_n``), ``note``."""
    out = keys.reset_index(drop=True).copy()
    out["condition"] = cond
    out["n"] = np.asarray(n).astype(np.int64)
    small = np.asarray(n) < min_n
    for name, val in cols.items():
        out[name] = np.where(small, np.nan, val) if np.asarray(val).dtype.kind == "f" else val
    out["note"] = join_notes(note_small(n, min_n), *[np.where(small, "", e) for e in extra_notes])
    return out


def add_note(out: pd.DataFrame, note: str) -> pd.DataFrame:
    """``out`` with ``note`` added to every row's ``note`` (nothing when empty)."""
    if note:
        return out.assign(note=join_notes(out["note"].fillna("").to_numpy(dtype=object),
                                          np.full(len(out), note, dtype=object)))
    return out


def stack_conditions(frames: list[pd.DataFrame], conds, dtype: pd.CategoricalDtype) -> pd.DataFrame:
    """Concatenate per-condition frames; ``condition`` as an ordered categorical."""
    out = pd.concat(frames, ignore_index=True)
    out["condition"] = pd.Categorical(out["condition"], dtype=dtype)
    return out
