"""The partner sheet: one A4 page per leerlab to discuss, both partner schools side by side."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .._docstrings import doc
from ..stats import MIN_GROUP_SIZE, condition_means, gap, success_factors
from ..stats.agreement import label_sides
from ._data import (
    group_colors,
    group_label,
    pick_rows,
    pick_wave,
    shown_min_n,
    survey_of,
    tidy,
    value_axis,
    value_of,
    wave_suffix,
)
from ._theme import fmt_num, text, wrap
from .profiles import draw_profile

__all__ = ["partner_sheet"]

A4 = (8.27, 11.69)
DIFF_COLOR = "#b2182b"


def _item_gaps(survey, min_n: int) -> pd.DataFrame:
    """Each statement's gap between the partners (every pair), largest absolute difference first."""
    cb = survey.codebook
    g = gap(survey, between="partner", scales={i: [i] for i in cb.item_codes}, min_n=min_n, pool_waves=True)
    g = g.rename(columns={"condition": "item"}).assign(item=lambda d: d["item"].astype(str))
    g.insert(0, "condition", g["item"].map(cb.item_condition))
    g = g.dropna(subset=["diff"])
    return g.iloc[np.argsort(-g["diff"].abs().to_numpy(), kind="stable")].reset_index(drop=True)


@doc
def partner_sheet(data, leerlab: str, *, wave="last", lang: str = "nl", top: int = 6,
                  min_n: int = MIN_GROUP_SIZE, palette=None):
    """One A4 page for a leerlab's own conversation: the partners side by side.

    Top: each school's condition profile (means, 95% CI). Middle: the
    ``top`` statements on which the partners differ most (:func:`analyse.gap`
    per statement), each school's mean and the difference. Bottom: the
    success factors and pitfall of the conditions to discuss (those of the
    largest differences and the leerlab's weakest condition), with the
    leerlab's score on each factor. Partners are ordered by sector (vmbo
    before mbo), then name, as in het 8-tje.

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey, or a responses frame with the questionnaire's items.
    leerlab : str
        The leerlab (any capitalisation; an unknown one lists the leerlabs).
    {wave}
    {lang}
    top : int
        How many statements with the largest differences to show.
    {plot_min_n}
        Here: per partner, per statement.
    palette : seaborn palette, optional
        Colours of the partners.

    Returns
    -------
    Figure
        A4 portrait; ``fig.analyse_data`` holds the profile, the differences
        (all statements) and the factors, one tidy frame with ``panel``
        "profile", "differences" or "factors".

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> fig = ap.partner_sheet(an.sample.generate(), "groen")
    >>> fig.analyse_data["panel"].unique().tolist()
    ['profile', 'differences', 'factors']
    """
    survey, shown = pick_wave(survey_of(data), wave)
    cb = survey.codebook
    leerlab = str(value_of(survey, "leerlab", leerlab))
    survey = pick_rows(survey, leerlab=leerlab)
    _, sides = label_sides(survey.responses, [], "partner")
    partners = sides.sort_values("side")["partner"].astype(str).tolist()
    colors = group_colors(palette, max(len(partners), 2))[:len(partners)]
    color_of = dict(zip(partners, colors))
    profile = condition_means(survey, by="partner", min_n=min_n, pool_waves=True)
    profile["partner"] = pd.Categorical(profile["partner"].astype(str), categories=partners, ordered=True)
    diffs = _item_gaps(survey, min_n)
    shown_diffs = diffs.head(top)
    factors = success_factors(survey, by="leerlab", min_n=min_n, pool_waves=True)
    weakest = factors.loc[factors["weakest"].astype("boolean").fillna(False).astype(bool), "condition"].astype(str).unique().tolist()
    discuss = list(dict.fromkeys(list(shown_diffs["condition"].head(2)) + weakest))
    hidden_at = shown_min_n(survey, min_n)

    fig = plt.figure(figsize=A4, layout="constrained")
    # Subfigures: each band lays out on its own, so the long statements in the middle
    # do not narrow the profile above them.
    top_fig, mid_fig, low_fig = fig.subfigures(3, 1, height_ratios=[
        3.6, 0.5 * max(len(shown_diffs), 1) + 1.2, 0.75 * len(discuss) + 0.6])
    sizes = survey.group_sizes(["partner"])
    n_of = {str(p): n for p, n in zip(sizes["partner"], sizes["n"]) if n >= hidden_at}  # NaN when hidden
    fig.suptitle(text("sheet_title", lang, leerlab=group_label(cb, "leerlab", leerlab, lang)) + wave_suffix(shown, lang),
                 fontweight="bold", fontsize="large")

    ax1 = top_fig.subplots()
    draw_profile(ax1, profile, cb, hue="partner", lang=lang, palette=colors, horizontal=True, width=0.4, legend=False)
    top_fig.legend(handles=ax1.get_legend_handles_labels()[0],
                   labels=[f"{p} (n={n_of[p]:.0f})" if p in n_of else f"{p} ({text('suppressed', lang, min_n=hidden_at)})"
                           for p in partners], loc="outside lower center",
                   ncol=2, fontsize="small", frameon=False)
    ax1.set_title(text("sheet_profile", lang), loc="left")

    ax2 = mid_fig.subplots()
    y = np.arange(len(shown_diffs))
    for yi, row in zip(y, shown_diffs.itertuples()):
        ax2.plot([row.mean_a, row.mean_b], [yi, yi], color=DIFF_COLOR, lw=2.5, zorder=1,
                 gid=f"difference|{row.item}")
        ax2.annotate(f"{text('difference', lang)} {fmt_num(abs(row.diff), lang, 1)}",
                     (max(row.mean_a, row.mean_b), yi), xytext=(8, 0), textcoords="offset points",
                     va="center", fontsize="x-small", color=DIFF_COLOR, fontweight="bold")
        for side in ("a", "b"):
            ax2.scatter([getattr(row, f"mean_{side}")], [yi], color=color_of.get(getattr(row, side), "0.4"), s=55,
                        zorder=3, edgecolor="white")
    pair = len(partners) > 2   # more than two schools: say which two each line compares
    ax2.set_yticks(y, [wrap(f"{cb.label('condition', row.condition, lang)}: {cb.label('item', row.item, lang)}"
                            + (f" ({row.a} – {row.b})" if pair else ""), 60)
                       for row in shown_diffs.itertuples()], fontsize="x-small")
    if len(shown_diffs):
        ax2.set_ylim(len(shown_diffs) - 0.5, -0.5)
    else:  # every partner group below min_n: say so instead of an empty frame
        ax2.text(0.5, 0.5, text("suppressed", lang, min_n=hidden_at), transform=ax2.transAxes, ha="center",
                 va="center", color="0.4")
    value_axis(ax2, cb, lang, right=0.6, zorder=0)   # room on the right for the difference label
    ax2.grid(axis="y", visible=False)
    ax2.set_xlabel(text("mean", lang))
    ax2.set_title(text("sheet_diff", lang), loc="left")

    ax3 = low_fig.subplots()
    ax3.axis("off")
    ax3.set_title(text("sheet_factors", lang), loc="left")
    lines = []
    for cond in discuss:
        pit = cb.pitfalls.loc[cb.pitfalls["condition"] == cond].iloc[0]
        tag = f" ({text('weakest', lang)} {text('condition', lang).lower()})" if cond in weakest else ""
        head = f"{cb.label('condition', cond, lang)}{tag} — {text('pitfall', lang).lower()} {pit['number']}: {pit[lang]}"
        lines.append((head, "bold"))
        f = factors[factors["condition"].astype(str) == cond]
        for row in f.itertuples():
            lines.append((wrap(f"•  {cb.label('success_factor', row.success_factor, lang)}  "
                               f"({fmt_num(row.mean, lang, 1)})", 95), "normal"))
    offset = 0.0   # in points below the top of the panel: line spacing independent of the panel's height
    for s, weight in lines:
        ax3.annotate(s, (0, 1), xycoords="axes fraction", xytext=(0, -offset), textcoords="offset points",
                     va="top", ha="left", fontsize="small", fontweight=weight, color="0.1")
        offset += 12.5 * (s.count("\n") + 1) + (7 if weight == "bold" else 3)
    fig.analyse_data = tidy({"profile": profile, "differences": diffs, "factors": factors}, "panel")
    return fig
