"""Het 8-tje: two partner schools x three levels, the lines between them styled by the gaps.

Layout of one diagram: partner A (left) and B (right) as columns, the levels
top (bestuurlijk) to bottom (professioneel). Horizontal lines join the two
schools at a level; vertical lines join adjacent levels within a school; an
arc on the outside joins the board straight to the professionals, so every
gap the statistics report (:func:`analyse.level_gaps`) has exactly one line.
"""

from __future__ import annotations

import matplotlib.lines as mlines
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize

from .._docstrings import doc
from ..stats import MIN_GROUP_SIZE, level_gaps, level_nodes
from ._data import (
    group_label,
    pick_wave,
    shown_min_n,
    suppressed_patch,
    survey_of,
    tidy,
    value_of,
    wave_suffix,
)
from ._theme import MEAN_CMAP, SUPPRESSED_COLOR, fmt_num, text, text_color, wrap

__all__ = ["eight_diagram", "eight_grid"]

BROKEN_COLOR = "#b2182b"   # dashed as well as red: the break survives greyscale
LINE_COLOR = "0.35"
_ARC_BULGE = 0.32          # how far the board-professional arc swings outside the column


def _tables(survey, min_n: int, gap_kw: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and gaps of every leerlab's 8-tje in the (one-wave or pooled) Survey given."""
    return (level_nodes(survey, by="leerlab", min_n=min_n, pool_waves=True),
            level_gaps(survey, by="leerlab", min_n=min_n, pool_waves=True, **gap_kw))


def _style(diff: float, broken: bool) -> dict:
    """Line style from the gap: the wider the gap, the thinner and lighter the line."""
    if not np.isfinite(diff):
        return {"color": "0.75", "lw": 1.0, "ls": ":"}
    g = min(abs(diff), 2.0)
    if broken:
        return {"color": BROKEN_COLOR, "lw": 2.2, "ls": (0, (4, 2.5))}
    return {"color": LINE_COLOR, "lw": 5.0 - 1.9 * g, "ls": "-", "alpha": 1.0 - 0.3 * g}


def _path(kind: str, x: float, ya: float, yb: float, xb: float, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Points of one connection: straight, or an outward arc for non-adjacent levels."""
    if kind == "horizontal" or abs(ya - yb) == 1:
        return np.array([x, xb]), np.array([ya, yb])
    t = np.linspace(0, 1, 40)
    bulge = -_ARC_BULGE if side == "A" else _ARC_BULGE
    return x + bulge * np.sin(np.pi * t), ya + (yb - ya) * t


def _break_marker(ax, xs, ys, gid):
    """Two short slanted strokes across the middle of a broken line."""
    i = len(xs) // 2 if len(xs) > 2 else None
    mx, my = (xs[i], ys[i]) if i is not None else (xs.mean(), ys.mean())
    horizontal = len(xs) == 2 and ys[0] == ys[1]
    dx, dy = (0.025, 0) if horizontal else (0, 0.06)
    for s in (-1, 1):
        ax.plot([mx + s * dx - 0.03, mx + s * dx + 0.03], [my + s * dy - 0.09, my + s * dy + 0.09],
                color=BROKEN_COLOR, lw=2.0, solid_capstyle="butt", gid=f"break|{gid}", zorder=4)
        ax.plot([mx + s * dx - 0.03, mx + s * dx + 0.03], [my + s * dy - 0.09, my + s * dy + 0.09],
                color="white", lw=0.7, gid=f"breakfill|{gid}", zorder=4.1)


@doc
def eight_diagram(data, *, leerlab: str, condition: str, wave="last", lang: str = "nl",
                  min_n: int = MIN_GROUP_SIZE, gap_labels: str = "flagged", titles: bool = True,
                  ax=None, **gap_kw):
    """Het 8-tje of one leerlab and condition.

    Nodes are the (partner, level) means of :func:`analyse.level_nodes`,
    coloured on the scale (centred on the midpoint) and labelled with mean and
    n; hidden groups are grey and hatched. Lines are styled by the gap between
    their nodes (:func:`analyse.level_gaps`; thicker = closer). A line the
    statistics flag (``board_line_broken``, ``vertical_translation_broken``)
    is drawn broken: red, dashed and crossed by a break marker.

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey, or a responses frame with the questionnaire's items.
    leerlab : str
        The leerlab shown (any capitalisation; an unknown one lists the leerlabs).
    condition : str
        Code of the condition shown.
    {wave}
    {lang}
    {plot_min_n}
    gap_labels : {"flagged", "all", "none"}
        Which lines carry the size of their gap.
    titles : bool
        Draw the title and partner names (off in small multiples).
    {ax}
    **gap_kw
        Thresholds passed to :func:`analyse.level_gaps` (``board_gap``, ``translation_gap``).

    Returns
    -------
    Axes
        ``ax`` (or a new one). Lines have ``gid="gap|<kind>|<level_a>|<level_b>|<side>|<flag>"``
        (flag empty when not broken); ``ax.analyse_data`` holds the nodes and
        gaps drawn, one tidy frame with ``element`` "node" or "gap".

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> ax = ap.eight_diagram(an.sample.generate(), leerlab="zorg", condition="ambitie")
    >>> ax.analyse_data["element"].value_counts().to_dict()
    {'gap': 9, 'node': 6}
    """
    survey, shown = pick_wave(survey_of(data), wave)
    leerlab = value_of(survey, "leerlab", leerlab)
    nodes, gaps = _tables(survey, min_n, gap_kw)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(4.6, 5.2), layout="constrained")
    return _draw(ax, nodes, gaps, survey.codebook, leerlab=str(leerlab), condition=condition, lang=lang,
                 gap_labels=gap_labels, titles=titles, shown=shown)


def _draw(ax, nodes: pd.DataFrame, gaps: pd.DataFrame, cb, *, leerlab: str, condition: str, lang: str,
          gap_labels: str, titles: bool, shown):
    """Draw one leerlab's 8-tje for one condition on ``ax`` from the tables of all leerlabs."""
    if condition not in cb.condition_codes:
        raise ValueError(f"there is no condition {condition!r}; the conditions are {', '.join(cb.condition_codes)}")
    levels = cb.level_codes
    ypos = {lv: len(levels) - 1 - i for i, lv in enumerate(levels)}   # board on top
    xpos = {"A": 0.0, "B": 1.0}
    nd = nodes[(nodes["leerlab"].astype(str) == leerlab) & (nodes["condition"].astype(str) == condition)]
    gp = gaps[(gaps["leerlab"].astype(str) == leerlab) & (gaps["condition"].astype(str) == condition)]
    if nd.empty:
        raise ValueError(f"no respondents for leerlab {leerlab!r} and condition {condition!r}")
    side_of = dict(zip(nd["partner"].astype(str), nd["side"].astype(str)))
    norm = Normalize(cb.scale_min, cb.scale_max)

    for row in gp.itertuples():
        kind = row.kind
        side = side_of.get(str(row.partner_a), "A")
        xa = xpos["A"] if kind == "horizontal" else xpos[side]
        xb = xpos["B"] if kind == "horizontal" else xpos[side]
        ya, yb = ypos[row.level_a], ypos[row.level_b]
        broken = bool(row.flag)
        xs, ys = _path(kind, xa, ya, yb, xb, side)
        gid = f"gap|{kind}|{row.level_a}|{row.level_b}|{'AB' if kind == 'horizontal' else side}|{row.flag}"
        ax.plot(xs, ys, **_style(row.diff, broken), gid=gid, zorder=1, solid_capstyle="round")
        if broken:
            _break_marker(ax, xs, ys, gid)
        if np.isfinite(row.diff) and (gap_labels == "all" or (gap_labels == "flagged" and broken)):
            i = len(xs) // 2
            mx, my = (xs.mean(), ys.mean()) if len(xs) == 2 else (xs[i], ys[i])
            # Horizontal: above the line; adjacent vertical: inside the 8; arc: outside it.
            outward = (side == "A") == (len(xs) > 2)
            off = (0, 0.14) if kind == "horizontal" else ((-0.06, 0) if outward else (0.06, 0))
            ax.text(mx + off[0], my + off[1], f"Δ {fmt_num(abs(row.diff), lang, 1)}", fontsize="x-small",
                    ha="center" if kind == "horizontal" else ("right" if outward else "left"),
                    va="bottom" if kind == "horizontal" else "center",
                    color=BROKEN_COLOR if broken else "0.25", fontweight="bold" if broken else "normal",
                    zorder=5)

    for row in nd.itertuples():
        x, y = xpos[str(row.side)], ypos[str(row.level)]
        n = 0 if pd.isna(row.n) else int(row.n)
        size = 900 + 60 * min(n, 40)   # area grows with n, capped so big groups stay in the panel
        if np.isfinite(row.mean):
            color = MEAN_CMAP(norm(row.mean))
            ax.scatter([x], [y], s=size, color=color, edgecolor="0.2", linewidth=0.8, zorder=3,
                       gid=f"node|{row.side}|{row.level}")
            # Offsets in points, so the labels sit inside the node at any panel size.
            ax.annotate(fmt_num(row.mean, lang, 1), (x, y), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="center", fontsize="small", fontweight="bold",
                        color=text_color(color), zorder=4)
            ax.annotate(f"n={n}", (x, y), xytext=(0, -9), textcoords="offset points", ha="center",
                        va="center", fontsize=6.5, color=text_color(color), zorder=4)
        else:
            # One size and no n: a hidden node must not tell how small it is.
            ax.scatter([x], [y], s=900, color=SUPPRESSED_COLOR, edgecolor="0.5", hatch="////", linewidth=0.8,
                       zorder=3, gid=f"node|{row.side}|{row.level}|suppressed")
            ax.text(x, y, wrap(text("suppressed_short", lang), 8), ha="center", va="center", fontsize=6.5,
                    color="0.15", zorder=4)

    ax.set_xlim(-0.62, 1.62)
    ax.set_ylim(-0.6, len(levels) - 0.35)
    ax.set_yticks([ypos[lv] for lv in levels], [cb.label("level", lv, lang) for lv in levels])
    ax.set_xticks([])
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.tick_params(axis="y", length=0)
    if titles:
        names = {str(s): p for p, s in side_of.items()}
        for side, x in xpos.items():
            if side in names:
                ax.text(x, len(levels) - 0.45, wrap(names[side], 22), ha="center", va="bottom", fontsize="small")
        ax.set_title(f"{group_label(cb, 'leerlab', leerlab, lang)} — {cb.label('condition', condition, lang)}"
                     + wave_suffix(shown, lang), pad=28)
    ax.analyse_data = tidy({"node": nd, "gap": gp}, "element")
    return ax


def eight_legend_handles(lang: str, min_n: int = MIN_GROUP_SIZE) -> list:
    """Legend entries: gap widths, a broken line, a hidden node ("n < min_n", the actual ``min_n``)."""
    handles = [mlines.Line2D([], [], **_style(d, False), label=f"{text('gap', lang)} {fmt_num(d, lang, 1)}")
               for d in (0.0, 0.5, 1.0, 1.5)]
    handles.append(mlines.Line2D([], [], **_style(1.0, True), label=text("broken", lang)))
    handles.append(suppressed_patch(lang, min_n, hatch="////", edgecolor="0.5"))
    return handles


@doc
def eight_grid(data, *, leerlabs=None, conditions=None, wave="last", lang: str = "nl",
               min_n: int = MIN_GROUP_SIZE, gap_labels: str = "none", **gap_kw):
    """Small multiples of het 8-tje: one row per leerlab, one column per condition.

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey, or a responses frame with the questionnaire's items.
    leerlabs, conditions : list of str, optional
        Which rows and columns (default: the leerlabs present, all conditions).
    {wave}
    {lang}
    {plot_min_n}
    gap_labels : {"none", "flagged", "all"}
        Gap sizes as text; off by default because small panels get crowded
        (the line widths and the legend carry the size).
    **gap_kw
        Thresholds passed to :func:`analyse.level_gaps` (``board_gap``, ``translation_gap``).

    Returns
    -------
    Figure
        With ``fig.analyse_data``: the nodes and gaps of the panels drawn, one
        tidy frame with ``element`` "node" or "gap".

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> fig = ap.eight_grid(an.sample.generate(), leerlabs=["Zorg", "groen"], conditions=["ambitie"])
    >>> sorted(fig.analyse_data["leerlab"].unique())
    ['Groen', 'Zorg']
    """
    survey, shown = pick_wave(survey_of(data), wave)
    cb = survey.codebook
    nodes, gaps = _tables(survey, min_n, gap_kw)
    present = [str(x) for x in nodes["leerlab"].astype(str).unique()]
    leerlabs = ([lb for lb in cb.leerlab_codes if lb in present] if leerlabs is None
                else [str(value_of(survey, "leerlab", lb)) for lb in leerlabs])
    conditions = cb.condition_codes if conditions is None else list(conditions)
    nr, nc = len(leerlabs), len(conditions)
    fig, axes = plt.subplots(nr, nc, figsize=(2.45 * nc + 1.6, 2.45 * nr + 1.9), squeeze=False,
                             layout="constrained")
    for i, lb in enumerate(leerlabs):
        nd = nodes[nodes["leerlab"].astype(str) == lb]
        names = nd.drop_duplicates("side").set_index("side")["partner"].astype(str)
        for j, cond in enumerate(conditions):
            ax = axes[i, j]
            _draw(ax, nodes, gaps, cb, leerlab=lb, condition=cond, lang=lang, gap_labels=gap_labels,
                  titles=False, shown=shown)
            if i == 0:
                ax.set_title(cb.label("condition", cond, lang), fontsize="large")
            if j:
                ax.set_yticklabels([])
            else:
                partners = "\n".join(f"{s}: {wrap(p, 28)}" for s, p in names.items())
                ax.set_ylabel(f"{group_label(cb, 'leerlab', lb, lang)}\n{partners}", fontsize="small",
                              rotation=0, ha="right", va="center", labelpad=8)
    sm = plt.cm.ScalarMappable(norm=Normalize(cb.scale_min, cb.scale_max), cmap=MEAN_CMAP)
    cbar = fig.colorbar(sm, ax=axes, orientation="horizontal", location="bottom", shrink=0.35, aspect=30,
                        pad=0.01, ticks=cb.scale_points)
    cbar.set_label(text("mean", lang))
    fig.legend(handles=eight_legend_handles(lang, shown_min_n(survey, min_n)), loc="outside lower center", ncol=3,
               fontsize="small")
    fig.suptitle(text("eight_title", lang) + wave_suffix(shown, lang), fontweight="bold")
    fig.analyse_data = pd.concat([ax.analyse_data for ax in axes.ravel()], ignore_index=True)
    return fig
