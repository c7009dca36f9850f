"""Diverging stacked bars of the answers to each statement (seaborn has no such plot)."""

from __future__ import annotations

import matplotlib.patches as mpatches
import numpy as np
import pandas as pd

from .._docstrings import doc
from ..errors import AnalyseError
from ..stats import MIN_GROUP_SIZE, likert_counts
from ._data import (
    column_of,
    group_label,
    group_title,
    new_axes,
    pick_wave,
    shown_min_n,
    survey_of,
    wave_suffix,
)
from ._theme import percent_formatter, scale_palette, text, text_color, wrap

__all__ = ["likert_bars"]


def _layout(table: pd.DataFrame, hue: str | None) -> list[tuple[str, object]]:
    """Rows from top to bottom: ("condition", code), ("item", code) and ("bar", row index)."""
    rows: list[tuple[str, object]] = []
    for cond, block in table.groupby("condition", observed=True, sort=True):
        rows.append(("condition", cond))
        for item, sub in block.groupby("item", observed=True, sort=True):
            if hue:
                rows.append(("item", item))
            rows.extend(("bar", i) for i in sub.index)
    return rows


@doc
def likert_bars(data, *, hue: str | None = None, conditions=None, wave="last", zero_at=None,
                lang: str = "nl", wrap_width: int = 60, label_min: float = 0.08, min_n: int = MIN_GROUP_SIZE,
                ax=None):
    """Diverging stacked bars: the share of each answer per statement, centred on neutral.

    Statements are grouped under their condition in questionnaire order, with
    their full (wrapped) text. The axis runs from 100% disagree to 100% agree
    for every plot, so figures stay comparable. All scale points appear in the
    legend and as (possibly zero-width) segments even when nobody chose them.
    The right margin gives n per bar and how many gave no answer; a hidden bar
    is empty, reads "not shown" and the note under the axis says why.

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey, or a responses frame with the questionnaire's items.
    {hue}
        Here: one bar per group under each statement.
    conditions : str or list of str, optional
        Conditions to show (default all five).
    {wave}
    zero_at : float, optional
        Scale value drawn at 0%. Default the midpoint (3): the neutral answer
        is split half left, half right. ``3.5`` puts neutral wholly on the left
        (R likert's ``center``).
    {lang}
    wrap_width : int
        Characters per line of the statement text.
    label_min : float
        Segments at least this share carry a percentage label.
    {plot_min_n}
        Here: bars of fewer answers.
    {ax}

    Returns
    -------
    Axes
        ``ax`` (or a new one). Bar segments have ``gid="likert|<item>|<group>|<point>"``;
        the counts of :func:`analyse.likert_counts` are ``ax.analyse_data``.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> ax = ap.likert_bars(an.sample.generate(), conditions=["belangen"], hue="niveau")
    >>> ax.analyse_data.columns[:3].tolist()
    ['level', 'condition', 'item']
    """
    survey = survey_of(data)
    cb = survey.codebook
    hue = column_of(survey, hue)
    survey, shown = pick_wave(survey, wave)
    table = likert_counts(survey, by=hue, conditions=conditions, min_n=min_n, pool_waves=True)
    # Bars share one answer scale: statements with a scale of their own are drawn apart, never cut to another's.
    scales = {tuple(cb.points_of(i)): i for i in table["item"].astype(str).unique()}
    if len(scales) > 1:
        raise AnalyseError("likert_bars draws statements of one answer scale at a time; these conditions mix "
                           f"{' and '.join(f'{min(p):g}-{max(p):g}' for p in scales)}: pass conditions= of one scale")
    [(points, first)] = scales.items() if scales else [(tuple(cb.scale_points), None)]
    points = np.asarray(points, dtype=float)
    zero_at = (points.min() + points.max()) / 2 if zero_at is None else float(zero_at)
    colors = scale_palette(len(points))
    shares = table[[f"share_{p:g}" for p in points]].to_numpy(dtype=float)
    shares = np.nan_to_num(shares)
    # Zero sits at `zero_at`: all of the points below it, plus half of a point exactly on it.
    weight = np.where(points < zero_at, 1.0, np.where(points == zero_at, 0.5, 0.0))
    starts = np.cumsum(shares, axis=1) - shares - (shares * weight).sum(axis=1, keepdims=True)

    rows = _layout(table, hue)
    ax = new_axes(ax, (11, 1.6 + sum(0.45 if k == "bar" else 0.35 for k, _ in rows)))
    y = np.arange(len(rows))
    ticklabels, n_labels = [], []
    for yi, (kind, key) in zip(y, rows):
        if kind == "condition":
            head = cb.label("condition", key, lang)
            question = cb.conditions.set_index("code").loc[key, f"question_{lang}"]
            ax.text(-1.0, yi + 0.15, f"{head}: {question}" if question else head, fontweight="bold",
                    va="center", ha="left", fontsize="medium")
            ticklabels.append("")
            n_labels.append("")
            continue
        if kind == "item":
            ax.text(-1.0, yi + 0.15, wrap(cb.label("item", key, lang), 2 * wrap_width), va="center",
                    ha="left", fontsize="small", fontstyle="italic")
            ticklabels.append("")
            n_labels.append("")
            continue
        row = table.loc[key]
        group = row[hue] if hue else ""
        for k, p in enumerate(points):
            w = shares[key, k]
            ax.barh(yi, w, left=starts[key, k], height=0.72, color=colors[k], edgecolor="white",
                    linewidth=0.6, gid=f"likert|{row['item']}|{group}|{p:g}")
            if w >= label_min:
                ax.text(starts[key, k] + w / 2, yi, f"{w * 100:.0f}%", ha="center", va="center",
                        fontsize="x-small", color=text_color(colors[k]))
        ticklabels.append(group_label(cb, hue, group, lang) if hue
                          else wrap(cb.label("item", str(row["item"]), lang), wrap_width))
        if pd.isna(row["n"]):  # hidden: an empty bar, and no n to tell how small the group is
            n_labels.append(text("suppressed_short", lang))
            continue
        n_labels.append(f"n={int(row['n'])}" + (f" · {int(row['n_missing'])} {text('no_answer', lang)}"
                                                 if row["n_missing"] else ""))
    ax.set_yticks(y, ticklabels, fontsize="small")
    ax.set_ylim(len(rows) - 0.5, -0.6)
    ax.set_xlim(-1, 1)  # fixed +-100%: comparable across groups and waves
    ax.set_xticks(np.linspace(-1, 1, 9))
    ax.xaxis.set_major_formatter(percent_formatter(lang))
    ax.axvline(0, color="0.3", lw=1)
    ax.grid(axis="y", visible=False)
    hidden = table["n"].isna().any()   # say why a bar is empty, with the min_n it was hidden at
    ax.set_xlabel(text("share", lang) + (f"\n{text('suppressed', lang, min_n=shown_min_n(survey, min_n))}"
                                         if hidden else ""))
    twin = ax.twinx()  # n per bar as right-hand tick labels, so the layout engine makes room
    twin.set_ylim(ax.get_ylim())
    twin.set_yticks(y, n_labels, fontsize="x-small", color="0.3")
    twin.grid(False)
    twin.tick_params(left=False, right=False, length=0)
    ax.tick_params(axis="y", left=False)   # after twinx(), which turns the left ticks back on
    for side in ("top", "right", "left", "bottom"):
        twin.spines[side].set_visible(False)
    labels = cb.point_labels(lang) if first is None else cb.point_labels_of(str(first), lang)
    handles = [mpatches.Patch(color=c, label=lab) for c, lab in zip(colors, labels)]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(points),
              fontsize="small", handlelength=1.2, columnspacing=1.0, frameon=False)
    title = text("likert_title", lang) + wave_suffix(shown, lang)
    if hue:
        title += f" — {group_title(hue, lang).lower()}"
    ax.set_title(title, pad=28)
    ax.analyse_data = table
    return ax
