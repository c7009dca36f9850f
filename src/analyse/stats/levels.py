"""Het 8-tje: means at each (partner, level) node and the horizontal and vertical gaps between them."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats as st

from .._docstrings import doc
from ..codebook import Codebook
from ..survey import Survey
from ._common import MIN_GROUP_SIZE, add_note, group_codes, holm, quiet
from ._input import Data, as_data
from .agreement import check_pair_count, gap_table, label_sides
from .scores import _describe

__all__ = ["level_nodes", "level_gaps", "kruskal_levels", "BOARD_GAP", "TRANSLATION_GAP"]

#: Default threshold (scale points, absolute mean difference) for ``board_line_broken``.
BOARD_GAP = 1.0
#: Default threshold (scale points) for ``vertical_translation_broken``.
TRANSLATION_GAP = 1.0


def _sided_scores(d: Data, by: list[str], min_items) -> pd.DataFrame:
    """Scale scores with the side of het 8-tje each respondent's school is on (A, B, C, ...; in sector order)."""
    side, _ = label_sides(d.frame, by, "partner")
    sc = d.long_scores(list(dict.fromkeys([*by, "partner", "level"])), min_items)
    letters = np.array([chr(65 + i) for i in range(max(int(side.max()) + 1, 0))] if len(side) else [], dtype=object)
    sc["side"] = np.repeat(np.where(side >= 0, letters[np.clip(side, 0, None)] if len(letters) else None, None),
                           len(d.conditions))
    sc["partner"] = sc["partner"].astype(str).where(sc["partner"].notna())
    return sc[sc["side"].notna()]


def _eight(data, by, pool_waves, codebook) -> tuple[Data, list[str]]:
    d = as_data(data, codebook=codebook)
    return d, d.strata(by, pool_waves=pool_waves)


def _cols(*parts) -> list[str]:
    """Column lists joined without repeats: a stratum may be a column het 8-tje uses itself."""
    return list(dict.fromkeys(c for p in parts for c in ([p] if isinstance(p, str) else p)))


@doc
def level_nodes(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                min_items: int | None = None, min_n: int = MIN_GROUP_SIZE, confidence: float = 0.95,
                pool_waves: bool = False, codebook: Codebook | None = None) -> pd.DataFrame:
    """The nodes of het 8-tje: the mean per (partner, level) within each stratum and condition.

    Parameters
    ----------
    {data}
        The frame needs ``partner``, ``sector`` and ``level`` columns.
    {by}
        Usually ``"leerlab"``: one 8-tje per leerlab.
    {min_items}
    {min_n}
    {confidence}
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``side`` (A, B, ...: vmbo before mbo, then by name),
        ``partner, level, condition`` and the columns of
        :func:`~analyse.condition_means` (``n, n_missing, mean, sd, se,
        ci_low, ci_high, median, share_agree, share_disagree, note``).

    Examples
    --------
    >>> import analyse as an
    >>> nodes = an.level_nodes(an.sample.generate(), by="leerlab")
    >>> nodes[["leerlab", "side", "level", "condition"]].head(2)
      leerlab side        level condition
    0   Sport    A  bestuurlijk   ambitie
    1   Sport    A  bestuurlijk  belangen
    """
    d, by = _eight(data, by, pool_waves, codebook)
    sc = _sided_scores(d, by, min_items)
    agree_min, disagree_max = d.agree_points()
    out = _describe(sc, "score", _cols(by, "side", "partner", "level", "condition"), confidence=confidence,
                    min_n=min_n, agree_min=agree_min, disagree_max=disagree_max)
    return add_note(out, d.pooled_note(by, pool_waves))


def kruskal_levels(scores: pd.DataFrame, group: list[str], between: str = "level") -> pd.DataFrame:
    """Kruskal-Wallis H across the values of ``between`` for every group at once.

    .. math:: H = \\frac{\\frac{12}{N(N+1)}\\sum_j R_j^2/n_j - 3(N+1)}{1 - \\sum_t (t^3-t)/(N^3-N)}

    with rank sums :math:`R_j` (mid-ranks for ties), referred to
    :math:`\\chi^2` with (levels observed - 1) df. Validated against
    :func:`scipy.stats.kruskal`. Returns ``group`` columns, ``kw_h``, ``kw_df``, ``kw_p``.
    """
    # A respondent without a level (or group) belongs to no cell being compared.
    df = scores[scores["score"].notna() & scores[_cols(group, between)].notna().all(axis=1)]
    codes, keys = group_codes(df, group)
    cell, _ = group_codes(df, _cols(group, between))
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


@doc
def level_gaps(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
               board_gap: float = BOARD_GAP, translation_gap: float = TRANSLATION_GAP,
               board_level: str = "bestuurlijk", translation_levels: tuple[str, str] = ("management", "professioneel"),
               min_items: int | None = None, min_n: int = MIN_GROUP_SIZE, confidence: float = 0.95,
               pool_waves: bool = False, codebook: Codebook | None = None) -> pd.DataFrame:
    """Gaps in het 8-tje: horizontal (between partners, same level) and vertical (between levels, same partner).

    The node means themselves come from :func:`level_nodes`.

    Parameters
    ----------
    {data}
        The frame needs ``partner``, ``sector`` and ``level`` columns.
    {by}
        Usually ``"leerlab"``: one 8-tje per leerlab.
    board_gap : float
        ``board_line_broken`` when a gap involving ``board_level`` (vertical
        within its school, or horizontal between the two schools' boards) has
        :math:`|\\text{diff}|` at least this many scale points (default 1.0, a quarter of the 1-5 range).
    translation_gap : float
        ``vertical_translation_broken`` when the management - professioneel gap
        within a school has :math:`|\\text{diff}|` at least this (default 1.0).
    board_level, translation_levels : str
        Level codes of the board and of the translation pair.
    {min_items}
    {min_n}
        Here: the minimum size of each node (smaller: NaN, no flag).
    {confidence}
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        One row per gap: the strata, ``condition, kind``
        (horizontal / vertical), ``partner_a, level_a, partner_b, level_b``,
        ``n_a, n_b, mean_a, mean_b, diff`` (a - b), ``ci_low, ci_high``
        (Welch), ``hedges_g, welch_p, mwu_p, p_holm`` (Mann-Whitney p,
        Holm-adjusted over the three level pairs of a partner, or over the
        levels (and pairs of partners) for horizontal gaps), ``kw_h, kw_p`` (Kruskal-Wallis
        across the levels of the partner; vertical rows), ``flag``
        (``board_line_broken``, ``vertical_translation_broken`` or empty) and
        ``note``.

    Notes
    -----
    Every gap is a :func:`~analyse.gap` (Welch t, Hedges' g, Mann-Whitney);
    flags read only the size of the mean difference because board groups are
    usually too small for a test to have power: read ``p_holm`` next to it.
    Partners are labelled A, B, ... in sector order (vmbo before mbo), then
    by name; a stratum with more than two partners has a horizontal gap for
    every pair.
    The Kruskal-Wallis statistic is vectorised over groups (see
    :func:`kruskal_levels`).

    Examples
    --------
    >>> import analyse as an
    >>> g = an.level_gaps(an.sample.generate(), by="leerlab")
    >>> sorted(g["kind"].unique())
    ['horizontal', 'vertical']
    """
    d, by = _eight(data, by, pool_waves, codebook)
    sc = _sided_scores(d, by, min_items)
    names = sc[_cols(by, "side", "partner")].drop_duplicates()
    sides = sorted(set(sc["side"]) | {"A", "B"})  # A vs B even where a stratum has one school: no rows, right columns
    check_pair_count(len(sides), "partner", by)
    # horizontal: every pair of sides (A vs B) at each level
    parts = []
    for sa, sb in combinations(sides, 2):
        h = gap_table(sc, "side", sa, sb, _cols(by, "condition", "level"), min_n=min_n, confidence=confidence)
        for s, col in ((sa, "partner_a"), (sb, "partner_b")):
            named = names[names["side"] == s].drop(columns="side")
            named = named.assign(**{col: named["partner"]})[_cols(by, col)]
            h = h.merge(named, on=by, how="left") if by else h.assign(**{col: named[col].iloc[0]})
        parts.append(h[h["partner_a"].notna() & h["partner_b"].notna()])
    h = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*by, "condition", "level"])
    h["kind"] = "horizontal"
    h["level_a"] = h["level"].astype(str)
    h["level_b"] = h["level"].astype(str)
    h["p_holm"] = holm(h["mwu_p"], _family(h, by + ["condition"]))
    # vertical: pairs of levels within each partner
    parts = []
    for la, lb in combinations([str(v) for v in sc["level"].cat.categories], 2):
        v = gap_table(sc, "level", la, lb, _cols(by, "condition", "side", "partner"), min_n=min_n,
                      confidence=confidence)
        v["level_a"], v["level_b"] = la, lb
        parts.append(v)
    v = pd.concat(parts, ignore_index=True)
    v["kind"] = "vertical"
    v["partner_a"] = v["partner"].astype(str)
    v["partner_b"] = v["partner"].astype(str)
    v["p_holm"] = holm(v["mwu_p"], _family(v, _cols(by, "condition", "partner")))
    kw = kruskal_levels(sc, _cols(by, "condition", "partner"))
    v = v.merge(kw, on=_cols(by, "condition", "partner"), how="left")
    h["partner_a"] = h["partner_a"].astype(str)
    h["partner_b"] = h["partner_b"].astype(str)
    cols = by + ["condition", "kind", "partner_a", "level_a", "partner_b", "level_b", "n_a", "n_b", "mean_a",
                     "mean_b", "diff", "ci_low", "ci_high", "hedges_g", "welch_p", "mwu_p", "p_holm", "kw_h", "kw_p",
                     "note"]
    h["kw_h"], h["kw_p"] = np.nan, np.nan
    out = pd.concat([h[cols], v[cols]], ignore_index=True)
    big = out["diff"].abs()
    board = ((out["level_a"] == board_level) | (out["level_b"] == board_level)) & (big >= board_gap)
    trans = (out["kind"] == "vertical") & out["level_a"].isin(translation_levels) & \
        out["level_b"].isin(translation_levels) & (big >= translation_gap)
    out["flag"] = np.where(board, "board_line_broken", np.where(trans, "vertical_translation_broken", ""))
    out["condition"] = pd.Categorical(out["condition"].astype(str), dtype=d.condition_dtype())
    out = out.sort_values(by + ["condition", "kind"], kind="mergesort").reset_index(drop=True)
    return add_note(out[cols[:-1] + ["flag", "note"]], d.pooled_note(by, pool_waves))


def _family(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    return group_codes(frame, cols)[0]
