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
from ._common import MIN_GROUP_SIZE, group_codes, gsum, holm, per_distinct, quiet
from ._input import as_data
from .agreement import gap_table

__all__ = ["wave_change", "paired_table"]


def paired_table(df: pd.DataFrame, by: list[str], *, confidence: float = 0.95,
                 min_n: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Paired comparison of ``score_to`` - ``score_from`` per ``by`` group (vectorised t; Wilcoxon per group).

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
    return out


def _wilcoxon(d: np.ndarray, codes: np.ndarray, G: int, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilcoxon signed-rank statistic and two-sided p of every group, as :func:`scipy.stats.wilcoxon`'s defaults.

    Zeros are dropped; with :math:`n` non-zero differences, :math:`R_+` and
    :math:`R_-` the rank sums (average ranks of :math:`|d|` within the group)
    of the positive and negative ones and :math:`t_j` the sizes of tied ranks,

    .. math:: z = \\frac{R_+ - n(n+1)/4}{\\sqrt{(n(n+1)(2n+1) - \\sum_j (t_j^3 - t_j)/2)/24}},
              \\quad p = 2\\,\\Phi(-|z|),\\quad W = \\min(R_+, R_-)

    for all groups at once. Where scipy's ``method="auto"`` is not normal
    (no ties and no zeros: exact; ties or zeros with at most 13 differences:
    permutations), scipy is called for that group; with Likert scores such
    groups are the small ones. Only groups flagged in ``test`` and with a
    non-zero difference get a result; the others NaN.
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
    not_normal = test & ((~has_ties & (zeros == 0)) | (n_all <= 13))
    if not_normal.any():
        order = np.argsort(codes[use], kind="stable")
        by_group = d[use][order]
        ends = np.cumsum(n_all)
        for g in np.flatnonzero(not_normal):
            with quiet():
                res = st.wilcoxon(by_group[ends[g] - n_all[g]:ends[g]])
            stat[g], p[g] = res.statistic, res.pvalue
    return stat, p


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
    respondents of both waves). Validated against ``pingouin.ttest``
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
        out["note"] = np.where(paired, "", res["note"].to_numpy(dtype=object))
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
