"""Diverging stacked bars of the answers to each statement (seaborn has no such plot)."""

from __future__ import annotations

import matplotlib.patches as mpatches
import numpy as np
import pandas as pd

from ..stats import MIN_GROUP_SIZE
from ..stats._common import note_small
from ..survey import Survey
from ._data import group_label, new_axes, observed_order, pick_wave, wave_suffix
from ._theme import percent_formatter, scale_palette, text, text_color, wrap

__all__ = ["likert_bars", "likert_counts"]


def likert_counts(survey: Survey, *, by: str | None = None, conditions=None, wave="last",
                  min_n: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Counts and shares of every answer per statement (and group): the numbers behind :func:`likert_bars`.

    Every scale point gets a column even when nobody chose it; ``n`` counts
    answers, ``n_missing`` respondents without one ("Weet ik niet", "n.v.t."
    or blank). Shares are of ``n`` (missing answers are counted, not spread).

    Parameters
    ----------
    survey : Survey
    by : str, optional
        Grouping column ("leerlab", "partner", "level", ...).
    conditions : list of str, optional
        Conditions to include (default all, questionnaire order).
    wave : "last", None or a wave
    min_n : int
        Rows with fewer answers keep no number (NaN) and say so in ``note``;
        on a Survey made by :func:`analyse.protect` its plan applies too.

    Returns
    -------
    DataFrame
        ``condition, item`` (and ``by``), ``n, n_missing``, one count column
        per scale point (``count_1`` ...) and one share column (``share_1`` ...),
        ``note``, items in questionnaire order.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> ap.likert_counts(an.sample.generate(), by="level").head()  # doctest: +SKIP
    """
    cb = survey.codebook
    survey, _ = pick_wave(survey, wave)
    conds = list(conditions) if conditions is not None else cb.condition_codes
    unknown = [c for c in conds if c not in cb.condition_codes]
    if unknown:
        raise ValueError(f"unknown condition(s) {', '.join(unknown)}; known: {', '.join(cb.condition_codes)}")
    items = [i for c in conds for i in cb.items_of(c)]
    long = survey.long()
    long = long[long["item"].astype(str).isin(items)]
    points = cb.scale_points
    # A categorical over the whole scale keeps empty answer categories as zero counts.
    answer = pd.Categorical(long["score"], categories=points)
    keys = ([by] if by else []) + ["item"]
    counts = pd.crosstab([long[k] for k in keys], answer, dropna=False)
    counts = counts.reindex(columns=points, fill_value=0)
    counts.columns = [f"count_{p:g}" for p in points]
    missing = long["score"].isna().groupby([long[k] for k in keys], observed=True).sum().rename("n_missing")
    out = counts.join(missing).reset_index()
    out = out[out["item"].astype(str).isin(items)]
    if by:  # observed groups only
        out = out[out[by].astype(str).isin([str(g) for g in observed_order(long, by)])]
    count_cols = [f"count_{p:g}" for p in points]
    out["n"] = out[count_cols].sum(axis=1)
    out["n_missing"] = out["n_missing"].fillna(0).astype(int)
    for p in points:
        out[f"share_{p:g}"] = out[f"count_{p:g}"] / out["n"].where(out["n"] > 0)
    out["item"] = pd.Categorical(out["item"].astype(str), categories=items, ordered=True)
    out.insert(0, "condition", pd.Categorical(out["item"].astype(str).map(cb.item_condition),
                                              categories=cb.condition_codes, ordered=True))
    order = ["item"] + ([by] if by else [])
    out = out.sort_values(order).reset_index(drop=True)
    numbers = ["n", "n_missing", *count_cols, *[f"share_{p:g}" for p in points]]
    small = ((out["n"] > 0) & (out["n"] < min_n)).to_numpy()
    out[numbers] = out[numbers].astype(float).mask(np.broadcast_to(small[:, None], (len(out), len(numbers))))
    out["note"] = np.where(small, note_small(np.zeros(len(out)), min_n), "")
    out = out[["condition", "item", *([by] if by else []), *numbers, "note"]]
    return out if survey.disclosure is None else survey.disclosure.apply(out)


def _layout(table: pd.DataFrame, by: str | None) -> list[tuple[str, object]]:
    """Rows from top to bottom: ("condition", code), ("item", code) and ("bar", row index)."""
    rows: list[tuple[str, object]] = []
    for cond, block in table.groupby("condition", observed=True, sort=True):
        rows.append(("condition", cond))
        for item, sub in block.groupby("item", observed=True, sort=True):
            if by:
                rows.append(("item", item))
            rows.extend(("bar", i) for i in sub.index)
    return rows


def likert_bars(data: Survey, *, by: str | None = None, conditions=None, wave="last", center=None,
                lang: str = "nl", wrap_width: int = 60, label_min: float = 0.08, min_n: int = MIN_GROUP_SIZE,
                ax=None):
    """Diverging stacked bars: the share of each answer per statement, centred on neutral.

    Statements are grouped under their condition in questionnaire order, with
    their full (wrapped) text. The axis runs from 100% disagree to 100% agree
    for every plot, so figures stay comparable. All scale points appear in the
    legend and as (possibly zero-width) segments even when nobody chose them.
    The right margin gives n per bar and how many gave no answer.

    Parameters
    ----------
    data : Survey
    by : str, optional
        One bar per group under each statement ("leerlab", "partner", "level").
    conditions : list of str, optional
        Conditions to show (default all five).
    wave : "last", None or a wave
    center : float, optional
        Scale value at zero. Default the midpoint (3): the neutral answer is
        split half left, half right. ``3.5`` puts neutral wholly on the left
        (R likert's ``center`` semantics).
    lang : {"nl", "en"}
    wrap_width : int
        Characters per line of the statement text.
    label_min : float
        Segments at least this share carry a percentage label.
    min_n : int
        Bars of fewer answers are not drawn and say "not shown", without n.
    ax : Axes, optional

    Returns
    -------
    Axes
        Bar segments have ``gid="likert|<item>|<group>|<point>"``; the counts
        are ``ax.analyse_data`` (see :func:`likert_counts`).

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> ax = ap.likert_bars(an.sample.generate(), conditions=["belangen"], by="level")  # doctest: +SKIP
    """
    cb = data.codebook
    table = likert_counts(data, by=by, conditions=conditions, wave=wave, min_n=min_n)
    _, shown = pick_wave(data, wave)
    points = cb.scale_points
    center = cb.midpoint if center is None else float(center)
    colors = scale_palette(len(points))
    shares = table[[f"share_{p:g}" for p in points]].to_numpy(dtype=float)
    shares = np.nan_to_num(shares)
    # Zero sits at `center`: all of the points below it, plus half of a point exactly on it.
    weight = np.where(points < center, 1.0, np.where(points == center, 0.5, 0.0))
    starts = np.cumsum(shares, axis=1) - shares - (shares * weight).sum(axis=1, keepdims=True)

    rows = _layout(table, by)
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
        group = row[by] if by else ""
        for k, p in enumerate(points):
            w = shares[key, k]
            ax.barh(yi, w, left=starts[key, k], height=0.72, color=colors[k], edgecolor="white",
                    linewidth=0.6, gid=f"likert|{row['item']}|{group}|{p:g}")
            if w >= label_min:
                ax.text(starts[key, k] + w / 2, yi, f"{w * 100:.0f}%", ha="center", va="center",
                        fontsize="x-small", color=text_color(colors[k]))
        ticklabels.append(group_label(cb, by, group, lang) if by
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
    ax.set_xlabel(text("share", lang))
    twin = ax.twinx()  # n per bar as right-hand tick labels, so the layout engine makes room
    twin.set_ylim(ax.get_ylim())
    twin.set_yticks(y, n_labels, fontsize="x-small", color="0.3")
    twin.grid(False)
    twin.tick_params(left=False, right=False, length=0)
    ax.tick_params(axis="y", left=False)   # after twinx(), which turns the left ticks back on
    for side in ("top", "right", "left", "bottom"):
        twin.spines[side].set_visible(False)
    handles = [mpatches.Patch(color=c, label=lab) for c, lab in zip(colors, cb.point_labels(lang))]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(points),
              fontsize="small", handlelength=1.2, columnspacing=1.0, frameon=False)
    title = text("likert_title", lang) + wave_suffix(shown, lang)
    if by:
        title += f" — {text(by, lang).lower() if by in ('leerlab', 'level', 'partner', 'sector') else by}"
    ax.set_title(title, pad=28)
    ax.analyse_data = table
    return ax
