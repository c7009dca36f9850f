"""Change between consecutive waves: paired where respondents return, independent otherwise."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as st

from .._docstrings import doc
from ..codebook import Codebook
from ..errors import AnalyseError
from ..survey import Survey
from ._common import (
    MIN_GROUP_SIZE,
    group_codes,
    gsum,
    holm,
    join_notes,
    note,
    per_distinct,
    quiet,
)
from ._input import as_data
from .agreement import gap_table

__all__ = ["wave_change", "paired_table"]


def paired_table(df: pd.DataFrame, by: list[str], *, confidence: float = 0.95,
                 min_n: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Paired comparison of ``score_to`` - ``score_from`` per ``by`` group (vectorised t and Wilcoxon).

    .. math:: t = \\bar d / (s_d/\\sqrt n),\\ \\nu = n - 1, \\qquad d_z = \\bar d / s_d

    The Wilcoxon signed-rank test as :func:`scipy.stats.wilcoxon` with its
    defaults (see :func:`_wilcoxon`).
    """
    d = (df["score_to"] - df["score_from"]).to_numpy(dtype=float)
    ok = ~np.isnan(d)
    codes, keys = group_codes(df, by)
    c = np.where(ok, codes, -1)
    G = len(keys)
    with quiet():
        n = gsum(c, np.ones(len(d)), G)
        mf = gsum(c, np.where(ok, df["score_from"].to_numpy(float), 0.0), G) / n
        mt = gsum(c, np.where(ok, df["score_to"].to_numpy(float), 0.0), G) / n
        md = gsum(c, np.where(ok, d, 0.0), G) / n
        sd = np.sqrt(gsum(c, np.where(ok, (d - md[np.clip(c, 0, None)]) ** 2, 0.0), G) / (n - 1))
        se = sd / np.sqrt(n)
        t = md / se
        p = 2 * st.t.sf(np.abs(t), n - 1)
        tq = per_distinct(lambda df: st.t.ppf(0.5 + confidence / 2, df), n - 1)
    w_stat, w_p = _wilcoxon(d, c, G, n >= max(min_n, 2))
    out = keys.reset_index(drop=True).copy()
    out["n_paired"] = n.astype(np.int64)
    with quiet():
        effect = np.where(sd == 0, np.nan, md / sd)
    for name, val in [("mean_from", mf), ("mean_to", mt), ("diff", md), ("ci_low", md - tq * se),
                      ("ci_high", md + tq * se), ("effect", effect),
                      ("t", np.where(se == 0, np.nan, t)), ("df", n - 1), ("p", np.where(se == 0, np.nan, p)),
                      ("np_stat", w_stat), ("np_p", w_p)]:
        out[name] = val
    out["note"] = join_notes(np.where(n < 2, note("one_respondent"), ""),
                             np.where((n >= 2) & (sd == 0), note("zero_variance"), ""))
    return out


#: scipy.stats.wilcoxon's ``method="auto"``: the exact null for at most 50 differences without ties or zeros,
#: all 2**n sign flips (a permutation test) for at most 13 with ties or zeros, else the normal approximation.
_EXACT_MAX, _FLIPS_MAX = 50, 13


def _wilcoxon(d: np.ndarray, codes: np.ndarray, G: int, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilcoxon signed-rank statistic and two-sided p of every group, as :func:`scipy.stats.wilcoxon`'s defaults.

    Zeros are dropped; with :math:`n` non-zero differences, :math:`R_+` and
    :math:`R_-` the rank sums (average ranks of :math:`|d|` within the group)
    of the positive and negative ones and :math:`t_j` the sizes of tied ranks,

    .. math:: z = \\frac{R_+ - n(n+1)/4}{\\sqrt{(n(n+1)(2n+1) - \\sum_j (t_j^3 - t_j)/2)/24}},
              \\quad p = 2\\,\\Phi(-|z|),\\quad W = \\min(R_+, R_-)

    for all groups at once. Where scipy's ``method="auto"`` does not use the
    normal approximation (at most 50 differences without ties or zeros: its
    exact null; at most 13 with ties or zeros, zeros counted: all sign flips),
    :math:`p` is the exact two-sided p of :func:`_signed_rank_p`, which both
    of scipy's methods compute there. Only groups flagged in ``test`` and
    with a non-zero difference get a result; the others NaN.
    """
    use = (codes >= 0) & ~np.isnan(d)
    n_all = np.bincount(codes[use], minlength=G)
    nz = use & (d != 0)
    c, x = codes[nz], d[nz]
    a = np.abs(x)
    count = np.bincount(c, minlength=G).astype(float)
    rank = pd.Series(a).groupby(c).rank(method="average").to_numpy()
    r_plus = np.bincount(c, weights=rank * (x > 0), minlength=G)
    r_minus = np.bincount(c, weights=rank * (x < 0), minlength=G)
    blocks = pd.DataFrame({"g": c, "a": a}).groupby(["g", "a"]).size()
    t = blocks.to_numpy(dtype=float)
    g_of = blocks.index.get_level_values("g").to_numpy()
    ties = np.bincount(g_of, weights=t ** 3 - t, minlength=G)
    has_ties = np.bincount(g_of, weights=t > 1, minlength=G) > 0
    with quiet():
        se = np.sqrt((count * (count + 1) * (2 * count + 1) - ties / 2) / 24)
        z = (r_plus - count * (count + 1) / 4) / se
        p = 2 * st.norm.sf(np.abs(z))
    stat = np.minimum(r_plus, r_minus)
    test = test & (count > 0)
    stat, p = np.where(test, stat, np.nan), np.where(test, p, np.nan)
    zeros = n_all - count
    exact = test & ((n_all <= _FLIPS_MAX) | ((n_all <= _EXACT_MAX) & ~has_ties & (zeros == 0)))
    if exact.any():
        p[exact] = _signed_rank_p(c, rank, r_plus, exact)[exact]
    return stat, p


def _signed_rank_p(codes: np.ndarray, rank: np.ndarray, r_plus: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Exact two-sided p of the signed-rank statistic :math:`R_+` of every group flagged in ``groups``.

    ``codes`` and ``rank`` give the group and the average rank of each
    non-zero :math:`|d|`; ``r_plus`` is :math:`R_+` per group. Under the null
    hypothesis each difference is positive or negative with probability 1/2,
    independently, so :math:`R_+` is the sum of a uniformly random subset of
    the group's :math:`n` ranks: with :math:`c(s)` the number of subsets of
    the ranks that sum to :math:`s`,

    .. math:: p = \\min\\Big(1,\\ 2 \\min\\big(\\textstyle\\sum_{s \\le R_+} c(s),\\
              \\sum_{s \\ge R_+} c(s)\\big) / 2^n\\Big).

    :math:`c` depends only on :math:`n` and the tie pattern, so it is
    counted once per distinct pattern (dynamic programming over the ranks,
    in doubled ranks, which are integers), not per group. The counts are
    integers below :math:`2^{50}` and the p-value is a multiple of
    :math:`2^{-n}`: exact in floating point, as scipy's exact and
    all-flips permutation p-values are (zeros only multiply the number of
    sign patterns, and so both counts, by :math:`2^{n_0}`).
    """
    G = len(groups)
    p = np.full(G, np.nan)
    sel = groups[codes]
    c, r2 = codes[sel], np.rint(2 * rank[sel]).astype(np.int64)
    order = np.lexsort((r2, c))
    c, r2 = c[order], r2[order]
    n = np.bincount(c, minlength=G)
    pos = np.arange(len(c)) - (np.cumsum(n) - n)[c]
    for k in np.unique(n[groups]):
        g = np.flatnonzero(groups & (n == k))
        row = np.full(G, -1)
        row[g] = np.arange(len(g))
        ranks = np.zeros((len(g), k), dtype=np.int64)
        mine = row[c] >= 0
        ranks[row[c[mine]], pos[mine]] = r2[mine]
        patterns, which = np.unique(ranks, axis=0, return_inverse=True)
        cum = np.cumsum(_subset_sum_counts(patterns), axis=1)
        obs = np.rint(2 * r_plus[g]).astype(np.int64)
        below = cum[which.ravel(), obs]
        above = cum[which.ravel(), -1] - np.where(obs > 0, cum[which.ravel(), np.maximum(obs - 1, 0)], 0)
        p[g] = np.minimum(1.0, 2 * np.minimum(below, above) / 2.0 ** k)
    return p


def _subset_sum_counts(weights: np.ndarray) -> np.ndarray:
    """Number of subsets of each row of ``weights`` (positive integers) with each sum ``0 .. row total``.

    One pass per column for all rows at once: adding an element of weight
    :math:`w` to the set maps the counts :math:`c(s)` to :math:`c(s) + c(s - w)`.
    """
    P, k = weights.shape
    width = int(weights.sum(axis=1).max()) + 1
    counts = np.zeros((P, width), dtype=np.int64)
    counts[:, 0] = 1
    s = np.arange(width)
    for j in range(k):
        src = s - weights[:, [j]]
        counts = counts + np.where(src >= 0, np.take_along_axis(counts, np.maximum(src, 0), axis=1), 0)
    return counts


@doc
def wave_change(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                scales: dict[str, Sequence[str]] | None = None, min_items: int | None = None,
                min_n: int = MIN_GROUP_SIZE, confidence: float = 0.95,
                codebook: Codebook | None = None) -> pd.DataFrame:
    """Change of condition means between consecutive waves, per group and condition.

    Parameters
    ----------
    {data}
        The frame needs ``respondent_id`` and ``wave`` columns.
    by : str or list of str, optional
        Strata (e.g. ``"leerlab"``); ``wave`` is what is compared, so it is
        not one of them.
    {scales}
    {min_items}
    {min_n}
        A comparison is ``paired`` when at least ``min_n`` respondents (same
        ``respondent_id`` in the same stratum) have a score in both waves,
        and ``independent`` otherwise.
    {confidence}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition, wave_from, wave_to, design``
        (paired / independent), ``n_from, n_to`` (scores per wave),
        ``n_paired``, ``mean_from, mean_to`` (of the respondents used),
        ``diff`` (to - from), ``ci_low, ci_high``, ``effect`` and
        ``effect_type`` (``d_z`` paired, ``hedges_g`` independent), ``t, df,
        p`` (paired t or Welch), ``p_holm`` (Holm-adjusted across the
        conditions of each group and pair of waves), ``np_test`` (``wilcoxon`` / ``mannwhitney``),
        ``np_stat, np_p, note``.

    Notes
    -----
    Paired: :math:`t = \\bar d/(s_d/\\sqrt n)` on the within-person
    differences, :math:`d_z = \\bar d/s_d`, Wilcoxon signed-rank. Independent:
    Welch t, Hedges' g and Mann-Whitney U as :func:`~analyse.gap` (all
    respondents of both waves). Paired differences without spread (all
    equal) or from fewer than two respondents leave t, p, the effect and
    the interval NaN, with the note "zero variance" or "fewer than 2
    respondents". Validated against ``pingouin.ttest``
    (``paired=True`` and Welch), ``scipy.stats.wilcoxon`` and ``scipy.stats.mannwhitneyu``.

    Examples
    --------
    >>> import analyse as an
    >>> ch = an.wave_change(an.sample.generate(), by="leerlab")
    >>> ch[["leerlab", "condition", "wave_from", "wave_to", "design"]].head(2)
      leerlab condition wave_from wave_to  design
    0   Sport   ambitie         1       2  paired
    1   Sport  belangen         1       2  paired
    """
    d = as_data(data, scales=scales, codebook=codebook)
    wave, rid = d.column("wave"), d.column("respondent_id")
    by = d.strata(by, pool_waves=True, compare=[wave])
    if wave in by:
        raise AnalyseError("wave_change compares waves; leave 'wave' out of by=")
    sc = d.long_scores([rid, wave, *by], min_items).rename(columns={rid: "respondent_id", wave: "wave"})
    if not isinstance(sc["wave"].dtype, pd.CategoricalDtype):
        sc["wave"] = pd.Categorical(sc["wave"].astype(str))
    waves = [w for w in sc["wave"].cat.categories if (sc["wave"] == w).any()]
    grp = by + ["condition"]
    frames = []
    for w0, w1 in zip(waves[:-1], waves[1:]):
        a = sc[sc["wave"] == w0]
        b = sc[sc["wave"] == w1]
        key = list(dict.fromkeys(["respondent_id", *grp]))
        pair = a[key + ["score"]].merge(b[key + ["score"]], on=key, suffixes=("_from", "_to"))
        pt = paired_table(pair, grp, confidence=confidence, min_n=min_n)
        two = sc[sc["wave"].isin([w0, w1])].assign(wave=lambda d: d["wave"].astype(str))
        it = gap_table(two, "wave", str(w1), str(w0), grp, min_n=min_n, confidence=confidence)
        res = it.merge(pt, on=grp, how="left", suffixes=("", "_p"))
        res["n_paired"] = res["n_paired"].fillna(0).astype(np.int64)
        paired = (res["n_paired"] >= min_n).to_numpy()
        out = res[grp].copy()
        out["wave_from"], out["wave_to"] = str(w0), str(w1)
        out["design"] = np.where(paired, "paired", "independent")
        out["n_from"], out["n_to"] = res["n_b"], res["n_a"]
        out["n_paired"] = res["n_paired"]
        def sel(p_col, i_col, paired=paired, res=res):  # the paired statistic where paired, else the independent one
            return np.where(paired, res[p_col].to_numpy(float), res[i_col].to_numpy(float))
        out["mean_from"] = sel("mean_from", "mean_b")
        out["mean_to"] = sel("mean_to", "mean_a")
        out["diff"] = sel("diff_p", "diff")
        out["ci_low"] = sel("ci_low_p", "ci_low")
        out["ci_high"] = sel("ci_high_p", "ci_high")
        out["effect"] = sel("effect", "hedges_g")
        out["effect_type"] = np.where(paired, "d_z", "hedges_g")
        out["t"] = sel("t", "welch_t")
        out["df"] = sel("df", "welch_df")
        out["p"] = sel("p", "welch_p")
        out["np_test"] = np.where(paired, "wilcoxon", "mannwhitney")
        out["np_stat"] = sel("np_stat", "mwu_u")
        out["np_p"] = sel("np_p", "mwu_p")
        out["note"] = np.where(paired, res["note_p"].fillna("").to_numpy(dtype=object), res["note"].to_numpy(dtype=object))
        frames.append(out)
    if not frames:
        raise AnalyseError("wave_change needs at least two waves; these data have "
                           f"{', '.join(map(str, waves)) or 'none'}")
    out = pd.concat(frames, ignore_index=True)
    out["condition"] = pd.Categorical(out["condition"].astype(str), dtype=d.condition_dtype())
    # One family per group and pair of waves: its five conditions, as in agreement().
    family = out[by + ["wave_from"]].astype(str).agg("|".join, axis=1) if by else out["wave_from"]
    out.insert(out.columns.get_loc("p") + 1, "p_holm", holm(out["p"], family))
    return out
