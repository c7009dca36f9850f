"""Counts and shares of every answer per statement: the numbers behind a Likert chart."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._docstrings import doc
from ..codebook import Codebook
from ..errors import AnalyseError
from ..survey import Survey
from ._common import MIN_GROUP_SIZE, add_note, group_codes, join_notes, note, note_small
from ._input import as_data

__all__ = ["likert_counts"]


@doc
def likert_counts(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                  conditions: str | Sequence[str] | None = None, min_n: int = MIN_GROUP_SIZE,
                  pool_waves: bool = False, codebook: Codebook | None = None) -> pd.DataFrame:
    """How often each answer was given, per stratum and statement.

    Every scale point gets a column even when nobody chose it; ``n`` counts
    answers, ``n_missing`` respondents without one ("Weet ik niet", "n.v.t."
    or blank). Shares are of ``n`` (missing answers are counted, not spread).
    A statement with a scale of its own in the codebook is counted on its own
    points: the columns of points of other statements' scales are NaN in its
    rows, with a note.

    Parameters
    ----------
    {data}
        A frame needs the questionnaire's items (the answer scale comes from the codebook).
    {by}
    {conditions}
    {min_n}
        Here: rows with fewer answers keep no number.
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition, item, n, n_missing``, one count column per
        scale point (``count_1`` ...; every point of every statement's scale)
        and one share column (``share_1`` ...) and ``note``; statements in
        questionnaire order within each stratum.

    Examples
    --------
    >>> import analyse as an
    >>> counts = an.likert_counts(an.sample.generate(), by="level", conditions="ambitie")
    >>> counts.columns[:6].tolist()
    ['wave', 'level', 'condition', 'item', 'n', 'n_missing']
    >>> bool(((counts["count_1"] + counts["count_2"] + counts["count_3"] + counts["count_4"]
    ...        + counts["count_5"]) == counts["n"]).all())
    True
    """
    d = as_data(data, codebook=codebook)
    by = d.strata(by, pool_waves=pool_waves)
    clash = [c for c in by if c.startswith(("count_", "share_"))]
    if clash:
        raise AnalyseError(f"column {clash[0]!r} has the name of a column likert_counts writes; rename it first")
    long = d.long_items(by, d.pick(conditions))
    codes, out = group_codes(long, by + ["condition", "item"])
    G = len(out)
    score = long["score"].to_numpy(dtype=float)
    keep = codes >= 0
    own = [d.codebook.points_of(i) for i in long["item"].cat.categories]  # each statement's own scale
    points = np.unique(np.concatenate(own))
    on_scale = np.array([np.isin(points, p) for p in own])  # statement x point: a point of its scale
    at = np.clip(np.searchsorted(points, score), 0, len(points) - 1)
    off = keep & ~np.isnan(score) & ((points[at] != score) | ~on_scale[long["item"].cat.codes.to_numpy(), at])
    if off.any():
        row = long.loc[off].iloc[0]
        raise AnalyseError(f"item {row['item']!r} has the answer {row['score']:g}, not a point of its scale "
                           f"({', '.join(f'{p:g}' for p in d.codebook.points_of(row['item']))})")
    out = out.reset_index(drop=True)
    counts = {f"count_{p:g}": np.bincount(codes[keep & (score == p)], minlength=G) for p in points}
    n = np.sum(list(counts.values()), axis=0) if counts else np.zeros(G, dtype=np.int64)
    out["n"] = n.astype(float)
    out["n_missing"] = np.bincount(codes[keep & np.isnan(score)], minlength=G).astype(float)
    for name, c in counts.items():
        out[name] = c.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        for p in points:
            out[f"share_{p:g}"] = np.where(n > 0, counts[f"count_{p:g}"] / np.where(n > 0, n, 1), np.nan)
    small = (n > 0) & (n < min_n)
    numbers = [c for c in out.columns if c not in (*by, "condition", "item")]
    out.loc[small, numbers] = np.nan
    absent = ~on_scale[out["item"].cat.codes.to_numpy()]
    for j, p in enumerate(points):
        out.loc[absent[:, j], [f"count_{p:g}", f"share_{p:g}"]] = np.nan
    other = {i: note("other_points", points=", ".join(f"{p:g}" for p in q))
             for i, q in zip(long["item"].cat.categories, own) if not np.isin(points, q).all()}
    out["note"] = join_notes(
        np.where(small, note_small(np.zeros(len(out)), min_n), np.where(n == 0, note("item_unanswered"), "")),
        out["item"].astype(str).map(other).fillna("").to_numpy(dtype=object))
    return add_note(out, d.pooled_note(by, pool_waves))
