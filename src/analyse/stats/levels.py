"""Het 8-tje: means at each (partner, level) node and the horizontal and vertical gaps between them."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats as st

from ..codebook import Codebook
from ..survey import Survey
from ._common import MIN_GROUP_SIZE, as_by, as_survey, group_codes, holm, quiet
from .agreement import gap_table, partner_sides
from .scores import _describe, condition_scores

__all__ = ["level_nodes", "level_gaps", "kruskal_levels", "BOARD_GAP", "TRANSLATION_GAP"]

#: Default threshold (scale points, absolute mean difference) for ``board_line_broken``.
BOARD_GAP = 1.0
#: Default threshold (scale points) for ``vertical_translation_broken``.
TRANSLATION_GAP = 1.0


def _sided_scores(survey: Survey, within: list[str], min_items):
    sides = partner_sides(survey.responses, within, "partner")
    sc = condition_scores(survey, min_items)
    sc = sc.assign(partner=sc["partner"].astype(str)).merge(sides, on=within + ["partner"], how="left")
    return sc


def level_nodes(survey: Survey | pd.DataFrame, within: str | Sequence[str] = ("leerlab",), *,
                min_items: int | None = None, min_n: int = MIN_GROUP_SIZE,
                codebook: Codebook | None = None) -> pd.DataFrame:
    """The nodes of het 8-tje: the mean per (partner, level) within each leerlab and condition.

    Returns
    -------
    DataFrame
        The ``within`` columns, ``side`` (A/B: vmbo before mbo, then by name),
        ``partner, level, condition`` and the columns of
        :func:`~analyse.condition_means` (``n, n_missing, mean, sd, se,
        ci_low, ci_high, median, share_agree, share_disagree, note``).

    Examples
    --------
    >>> import analyse as an
    >>> an.level_nodes(an.sample.generate())  # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    within = as_by(within)
    cb = survey.codebook
    sc = _sided_scores(survey, within, min_items)
    sc = sc[sc["side"].notna()]
    return _describe(sc, "score", within + ["side", "partner", "level", "condition"], ci="t", n_boot=0, seed=None,
                     level=0.95, min_n=min_n, agree_min=min(cb.agree_points), disagree_max=max(cb.disagree_points))


def kruskal_levels(scores: pd.DataFrame, group: list[str], between: str = "level") -> pd.DataFrame:
    """Kruskal-Wallis H across the values of ``between`` for every group at once.

    .. math:: H = \\frac{\\frac{12}{N(N+1)}\\sum_j R_j^2/n_j - 3(N+1)}{1 - \\sum_t (t^3-t)/(N^3-N)}

    with rank sums :math:`R_j` (mid-ranks for ties), referred to
    :math:`\\chi^2` with (levels observed - 1) df. Validated against
    :func:`scipy.stats.kruskal`. Returns ``group`` columns, ``kw_h``, ``kw_df``, ``kw_p``.
    """
    # A respondent without a level (or group) belongs to no cell being compared.
    df = scores[scores["score"].notna() & scores[group + [between]].notna().all(axis=1)]
    codes, keys = group_codes(df, group)
    cell, _ = group_codes(df, group + [between])
    G = len(keys)
    x = df["score"].to_numpy()
    rank = pd.Series(x).groupby(codes).rank(method="average").to_numpy()
    C = cell.max() + 1 if len(cell) else 0
    cell_g = np.full(C, -1)
    cell_g[cell] = codes
    with quiet():
        n_cell = np.bincount(cell, minlength=C).astype(float)
        r_cell = np.bincount(cell, weights=rank, minlength=C)
        N = np.bincount(codes, minlength=G).astype(float)
        s = np.bincount(cell_g, weights=r_cell ** 2 / n_cell, minlength=G)
        J = np.bincount(cell_g, minlength=G)
        t = pd.Series(x).groupby([codes, x]).size()
        tv = t.to_numpy().astype(float)
        tie = np.bincount(t.index.get_level_values(0).to_numpy(), weights=tv ** 3 - tv, minlength=G)
        h = (12 / (N * (N + 1)) * s - 3 * (N + 1)) / (1 - tie / (N ** 3 - N))
        p = st.chi2.sf(h, J - 1)
    bad = (J < 2)
    out = keys.reset_index(drop=True).copy()
    out["kw_h"] = np.where(bad, np.nan, h)
    out["kw_df"] = J - 1
    out["kw_p"] = np.where(bad, np.nan, p)
    return out


def level_gaps(survey: Survey | pd.DataFrame, within: str | Sequence[str] = ("leerlab",), *,
               board_gap: float = BOARD_GAP, translation_gap: float = TRANSLATION_GAP,
               board_level: str = "bestuurlijk", translation_levels: tuple[str, str] = ("management", "professioneel"),
               min_items: int | None = None, min_n: int = MIN_GROUP_SIZE,
               codebook: Codebook | None = None) -> pd.DataFrame:
    """Gaps in het 8-tje: horizontal (between partners, same level) and vertical (between levels, same partner).

    The node means themselves come from :func:`level_nodes`.

    Parameters
    ----------
    survey : Survey or DataFrame
    within : list of str
        Analysis groups, default ``["leerlab"]`` (``["wave", "leerlab"]`` per wave).
    board_gap : float
        ``board_line_broken`` when a gap involving ``board_level`` (vertical
        within its school, or horizontal between the two schools' boards) has
        :math:`|\\text{diff}|` at least this many scale points (default 1.0, a quarter of the 1-5 range).
    translation_gap : float
        ``vertical_translation_broken`` when the management - professioneel gap
        within a school has :math:`|\\text{diff}|` at least this (default 1.0).
    board_level, translation_levels : str
        Level codes of the board and of the translation pair.
    min_items, min_n
        Scale-score rule; minimum size of each node (smaller: NaN, no flag).

    Returns
    -------
    DataFrame
        One row per gap: the ``within`` columns, ``condition, kind``
        (horizontal / vertical), ``partner_a, level_a, partner_b, level_b``,
        ``n_a, n_b, mean_a, mean_b, diff`` (a - b), ``ci_low, ci_high``
        (Welch), ``hedges_g, welch_p, mwu_p, p_holm`` (Mann-Whitney p,
        Holm-adjusted over the three level pairs of a partner, or over the
        three levels for horizontal gaps), ``kw_h, kw_p`` (Kruskal-Wallis
        across the levels of the partner; vertical rows), ``flag``
        (``board_line_broken``, ``vertical_translation_broken`` or empty) and
        ``note``.

    Notes
    -----
    Every gap is a :func:`~analyse.gap` (Welch t, Hedges' g, Mann-Whitney);
    flags read only the size of the mean difference because board groups are
    usually too small for a test to have power: read ``p_holm`` next to it.
    Partners are labelled A and B in sorted order of their names.
    The Kruskal-Wallis statistic is vectorised over groups (see
    :func:`kruskal_levels`).

    Examples
    --------
    >>> import analyse as an
    >>> g = an.level_gaps(an.sample.generate())   # doctest: +SKIP
    >>> g[g["flag"] != ""]                         # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    within = as_by(within)
    sc = _sided_scores(survey, within, min_items)
    sc = sc[sc["side"].notna()]
    names = sc.groupby(within + ["side"], observed=True)["partner"].first().unstack("side")
    for c in ("A", "B"):
        if c not in names:
            names[c] = None
    names = names.rename(columns={"A": "partner_a", "B": "partner_b"}).reset_index()[within + ["partner_a", "partner_b"]]
    # horizontal: side A vs side B at each level
    h = gap_table(sc, "side", "A", "B", within + ["condition", "level"], min_n=min_n)
    h = h.merge(names, on=within, how="left")
    h["kind"] = "horizontal"
    h["level_a"] = h["level"].astype(str)
    h["level_b"] = h["level"].astype(str)
    h["p_holm"] = holm(h["mwu_p"], h[within + ["condition"]].astype(str).agg("|".join, axis=1))
    # vertical: pairs of levels within each partner
    levels = [lv for lv in survey.codebook.level_codes]
    parts = []
    for la, lb in combinations(levels, 2):
        v = gap_table(sc, "level", la, lb, within + ["condition", "side", "partner"], min_n=min_n)
        v["level_a"], v["level_b"] = la, lb
        parts.append(v)
    v = pd.concat(parts, ignore_index=True)
    v["kind"] = "vertical"
    v["partner_a"] = v["partner"].astype(str)
    v["partner_b"] = v["partner"].astype(str)
    v["p_holm"] = holm(v["mwu_p"], v[within + ["condition", "partner"]].astype(str).agg("|".join, axis=1))
    kw = kruskal_levels(sc, within + ["condition", "partner"])
    v = v.merge(kw, on=within + ["condition", "partner"], how="left")
    h["partner_a"] = h["partner_a"].astype(str)
    h["partner_b"] = h["partner_b"].astype(str)
    cols = within + ["condition", "kind", "partner_a", "level_a", "partner_b", "level_b", "n_a", "n_b", "mean_a",
                     "mean_b", "diff", "ci_low", "ci_high", "hedges_g", "welch_p", "mwu_p", "p_holm", "kw_h", "kw_p",
                     "note"]
    h["kw_h"], h["kw_p"] = np.nan, np.nan
    out = pd.concat([h[cols], v[cols]], ignore_index=True)
    big = out["diff"].abs()
    board = ((out["level_a"] == board_level) | (out["level_b"] == board_level)) & (big >= board_gap)
    trans = (out["kind"] == "vertical") & out["level_a"].isin(translation_levels) & \
        out["level_b"].isin(translation_levels) & (big >= translation_gap)
    out["flag"] = np.where(board, "board_line_broken", np.where(trans, "vertical_translation_broken", ""))
    out["condition"] = pd.Categorical(out["condition"].astype(str), categories=survey.codebook.condition_codes,
                                      ordered=True)
    out = out.sort_values(within + ["condition", "kind"], kind="mergesort").reset_index(drop=True)
    return out[cols[:-1] + ["flag", "note"]]
