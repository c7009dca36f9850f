"""The partner sheet: one A4 page per leerlab to discuss, both partner schools side by side."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..stats import MIN_GROUP_SIZE, condition_means, success_factors
from ..survey import Survey
from ._data import group_label, partner_order, pick_rows, pick_wave, wave_suffix
from ._theme import fmt_num, number_formatter, text, wrap
from .profiles import draw_profile

__all__ = ["partner_sheet"]

A4 = (8.27, 11.69)
DIFF_COLOR = "#b2182b"


def _item_gaps(survey: Survey, partners: list[str], min_n: int) -> pd.DataFrame:
    """Item means of both partners side by side, largest absolute difference first."""
    m = condition_means(survey, by=["partner"], items=True, min_n=min_n)
    m = m.assign(partner=m["partner"].astype(str), item=m["item"].astype(str))
    wide = m.pivot(index="item", columns="partner", values="mean").reindex(columns=partners)
    wide.columns = ["mean_a", "mean_b"]
    wide["diff"] = wide["mean_a"] - wide["mean_b"]
    wide["condition"] = wide.index.map(survey.codebook.item_condition)
    return wide.dropna(subset=["diff"]).reindex(wide["diff"].abs().sort_values(ascending=False).index).dropna(
        subset=["diff"])


def partner_sheet(data: Survey, leerlab: str, *, wave="last", lang: str = "nl", top: int = 6,
                  min_n: int = MIN_GROUP_SIZE, palette=None):
    """One A4 page for a leerlab's own conversation: the two partners side by side.

    Top: both schools' condition profiles (means, 95% CI). Middle: the
    ``top`` statements on which the partners differ most, each school's mean
    and the difference. Bottom: the success factors and pitfall of the
    conditions to discuss (those of the largest differences and the leerlab's
    weakest condition), with the leerlab's score on each factor.

    Parameters
    ----------
    data : Survey
    leerlab : str
        Leerlab code.
    wave : "last", None or a wave
    lang : {"nl", "en"}
    top : int
        How many statements with the largest differences to show.
    min_n : int
        Smaller groups are suppressed (per partner, per statement).
    palette : seaborn palette, optional
        Colours of the two partners.

    Returns
    -------
    Figure
        A4 portrait; ``fig.analyse_data`` holds ``{"profile", "differences", "factors"}``.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> fig = ap.partner_sheet(an.sample.generate(), "Groen")   # doctest: +SKIP
    >>> ap.save(fig, "groen")                                     # doctest: +SKIP
    """
    cb = data.codebook
    survey, shown = pick_wave(data, wave)
    survey = pick_rows(survey, leerlab=leerlab)
    partners = partner_order(survey, leerlab)
    colors = sns.color_palette(palette or "colorblind", max(len(partners), 2))[:len(partners)]
    profile = condition_means(survey, by=["partner"], min_n=min_n)
    profile["partner"] = pd.Categorical(profile["partner"].astype(str), categories=partners, ordered=True)
    diffs = _item_gaps(survey, partners, min_n) if len(partners) == 2 else pd.DataFrame(
        columns=["mean_a", "mean_b", "diff", "condition"])
    shown_diffs = diffs.head(top)
    factors = success_factors(survey, by=["leerlab"], min_n=min_n)
    weakest = factors.loc[factors["weakest"].fillna(False).astype(bool), "condition"].astype(str).unique().tolist()
    discuss = list(dict.fromkeys(list(shown_diffs["condition"].head(2)) + weakest))

    fig = plt.figure(figsize=A4, layout="constrained")
    # Subfigures: each band lays out on its own, so the long statements in the middle
    # do not narrow the profile above them.
    top_fig, mid_fig, low_fig = fig.subfigures(3, 1, height_ratios=[
        3.6, 0.5 * max(len(shown_diffs), 1) + 1.2, 0.75 * len(discuss) + 0.6])
    sizes = survey.group_sizes(["partner"])
    n_of = {str(p): n for p, n in zip(sizes["partner"], sizes["n"]) if n >= min_n}  # NaN when hidden
    fig.suptitle(text("sheet_title", lang, leerlab=group_label(cb, "leerlab", leerlab, lang)) + wave_suffix(shown, lang),
                 fontweight="bold", fontsize="large")

    ax1 = top_fig.subplots()
    draw_profile(ax1, profile, cb, hue="partner", lang=lang, palette=colors, horizontal=True, dodge=0.4, legend=False)
    top_fig.legend(handles=ax1.get_legend_handles_labels()[0],
                   labels=[f"{p} (n={n_of[p]:.0f})" if p in n_of else p for p in partners], loc="outside lower center",
                   ncol=2, fontsize="small", frameon=False)
    ax1.set_title(text("sheet_profile", lang), loc="left")

    ax2 = mid_fig.subplots()
    y = np.arange(len(shown_diffs))
    for yi, (item, row) in zip(y, shown_diffs.iterrows()):
        ax2.plot([row["mean_a"], row["mean_b"]], [yi, yi], color=DIFF_COLOR, lw=2.5, zorder=1,
                 gid=f"difference|{item}")
        ax2.annotate(f"{text('difference', lang)} {fmt_num(abs(row['diff']), lang, 1)}",
                     (max(row["mean_a"], row["mean_b"]), yi), xytext=(8, 0), textcoords="offset points",
                     va="center", fontsize="x-small", color=DIFF_COLOR, fontweight="bold")
    for k, col in enumerate(["mean_a", "mean_b"][:len(partners)]):
        ax2.scatter(shown_diffs[col], y, color=colors[k], s=55, zorder=3, edgecolor="white")
    ax2.set_yticks(y, [wrap(f"{cb.label('condition', row['condition'], lang)}: {cb.label('item', item, lang)}", 60)
                       for item, row in shown_diffs.iterrows()], fontsize="x-small")
    if len(shown_diffs):
        ax2.set_ylim(len(shown_diffs) - 0.5, -0.5)
    else:  # every partner group below min_n: say so instead of an empty frame
        ax2.text(0.5, 0.5, text("suppressed", lang, min_n=min_n), transform=ax2.transAxes, ha="center",
                 va="center", color="0.4")
    ax2.set_xlim(cb.scale_min - 0.2, cb.scale_max + 0.6)   # room on the right for the difference label
    ax2.set_xticks(cb.scale_points)
    ax2.xaxis.set_major_formatter(number_formatter(lang, 0))
    ax2.axvline(cb.midpoint, color="0.5", lw=1, ls="--", zorder=0)
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
        lines.append((f"{cb.label('condition', cond, lang)}{tag} — {text('pitfall', lang).lower()} "
                      f"{pit['number']}: {pit[lang]}", "bold"))
        f = factors[factors["condition"].astype(str) == cond]
        for row in f.itertuples():
            lines.append((wrap(f"•  {cb.label('success_factor', row.success_factor, lang)}  "
                               f"({fmt_num(row.mean, lang, 1)})", 95), "normal"))
    offset = 0.0   # in points below the top of the panel: line spacing independent of the panel's height
    for s, weight in lines:
        ax3.annotate(s, (0, 1), xycoords="axes fraction", xytext=(0, -offset), textcoords="offset points",
                     va="top", ha="left", fontsize="small", fontweight=weight, color="0.1")
        offset += 12.5 * (s.count("\n") + 1) + (7 if weight == "bold" else 3)
    fig.analyse_data = {"profile": profile, "differences": diffs, "factors": factors}
    return fig
