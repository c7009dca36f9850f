"""Properties of the drawn figures: labels per language, counts of bars/nodes/lines, flags, files."""

import matplotlib

matplotlib.use("Agg")

import dataclasses
import inspect

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

import analyse as an
import analyse.plot as ap
from analyse.plot._theme import fmt_num, number_formatter
from analyse.stats._input import UnknownColumnError, UnknownValueError


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def survey():
    return an.sample.generate(respondents_per_group=5, waves=2, seed=11)


@pytest.fixture(scope="module")
def wave2(survey):
    r = survey.responses
    return an.Survey(r[r["wave"] == "2"], codebook=survey.codebook)


def texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


# ---------------------------------------------------------------- theme
def test_decimal_comma_and_language_check():
    assert fmt_num(3.456, "nl", 2) == "3,46"
    assert fmt_num(3.456, "en", 2) == "3.46"
    assert number_formatter("nl", 1)(2.5, 0) == "2,5"
    with pytest.raises(ValueError, match="lang"):
        ap.condition_profile(an.sample.generate(respondents_per_group=1, waves=1), lang="de")


def test_scale_palette_distinct_in_greyscale():
    grey = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in map(to_rgb, ap.scale_palette(5))]
    assert len(ap.scale_palette(5)) == 5
    # lightness rises from each end to the neutral centre, and no two classes share a grey
    assert grey[0] < grey[1] < grey[2] and grey[4] < grey[3] < grey[2]
    assert min(abs(a - b) for i, a in enumerate(grey) for b in grey[i + 1:]) > 0.05
    assert len(ap.scale_palette(4)) == 4 and len(ap.scale_palette(7)) == 7


def test_save_writes_three_formats_deterministically(tmp_path, wave2):
    ax = ap.condition_profile(wave2, hue="level")
    paths = ap.save(ax, tmp_path / "profiel.png")
    assert [p.suffix for p in paths] == [".png", ".svg", ".pdf"]
    assert all(p.exists() and p.stat().st_size > 1000 for p in paths)
    with Image.open(paths[0]) as im:
        assert round(im.info["dpi"][0]) == 300
        assert im.size[0] > 1500 and im.size[1] > 800
    first = {p.suffix: p.read_bytes() for p in paths}
    # the same figure drawn again (as a re-run of a script would) gives identical files
    again = ap.save(ap.condition_profile(wave2, hue="level"), tmp_path / "again" / "profiel")
    assert {p.suffix: p.read_bytes() for p in again} == first


# ---------------------------------------------------------------- profile and heat map
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_condition_profile_labels_and_groups(wave2, lang):
    cb = wave2.codebook
    ax = ap.condition_profile(wave2, hue="level", lang=lang)
    assert [t.get_text() for t in ax.get_xticklabels()] == [cb.label("condition", c, lang) for c in cb.condition_codes]
    assert ax.get_ylabel() == {"nl": "Gemiddelde (95%-BI)", "en": "Mean (95% CI)"}[lang]
    assert len(ax.containers) == 3                       # one errorbar series per level
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [cb.label("level", lv, lang) for lv in cb.level_codes]
    lo, hi = ax.get_ylim()
    assert lo < 1 and hi > 5                             # the full scale, for comparable plots
    # means drawn are the statistics' means
    table = ax.analyse_data
    drawn = np.sort(np.concatenate([c.lines[0].get_ydata() for c in ax.containers]))
    assert np.allclose(drawn, np.sort(table["mean"].dropna().to_numpy()))


def test_heatmap_marks_suppressed_cells(wave2):
    r = wave2.responses
    few = r[(r["leerlab"] != "Zorg") | (r.index.isin(r.index[r["leerlab"] == "Zorg"][:3]))]
    ax = ap.leerlab_heatmap(an.Survey(few), lang="en")
    marked = [p for p in ax.patches if p.get_gid() == "suppressed"]
    assert len(marked) == 5                              # Zorg's five conditions, n = 3
    assert {p.get_hatch() for p in marked} == {"///"}
    assert sum(t == "not shown" for t in texts(ax.figure)) == 5
    assert not any(t == "n=3" or "(n=3)" in t for t in texts(ax.figure))  # a hidden cell tells no size
    assert "n < 5 or derivable: not shown" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert [t.get_text() for t in ax.get_yticklabels()][3] == "Care & Welfare"
    # nothing marked when every group is large enough
    ax2 = ap.leerlab_heatmap(wave2)
    assert not [p for p in ax2.patches if p.get_gid() == "suppressed"] and ax2.get_legend() is None
    assert ax2.get_title().startswith("Gemiddelde per conditie")
    assert any(t == "n=30" for t in texts(ax2.figure))


# ---------------------------------------------------------------- likert
def segments(ax):
    return [p for p in ax.patches if (p.get_gid() or "").startswith("likert|")]


def test_likert_full_scale_order_and_counts(wave2):
    cb = wave2.codebook
    r = wave2.responses.copy()
    r["belangen_1"] = np.where(r.index % 2, 4.0, 5.0)    # categories 1-3 empty for this item
    r["belangen_2"] = 3.0
    r.loc[r.index[:4], "belangen_2"] = np.nan             # four "weet ik niet"
    s = an.Survey(r)
    ax = ap.likert_bars(s, conditions=["belangen"])
    segs = segments(ax)
    assert len(segs) == 4 * 5                            # every item keeps all five scale points
    empty = [p for p in segs if p.get_gid().startswith("likert|belangen_1|") and p.get_width() == 0]
    assert len(empty) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == cb.point_labels("nl")
    assert ax.get_xlim() == (-1, 1)
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels() if t.get_text()]
    assert labels == [cb.label("item", i) for i in cb.items_of("belangen")]   # questionnaire order, full text
    twin = next(a for a in ax.figure.axes if a is not ax)
    n_texts = [t.get_text() for t in twin.get_yticklabels() if t.get_text()]
    assert n_texts[1] == f"n={len(r) - 4} · 4 geen antwoord"
    counts = ax.analyse_data
    assert (counts["n"] + counts["n_missing"] == len(r)).all()


def test_likert_centres_neutral_and_groups(wave2):
    cb = wave2.codebook
    ax = ap.likert_bars(wave2, hue="level", conditions=["ambitie"], lang="en")
    segs = segments(ax)
    assert len(segs) == 4 * 3 * 5                        # items x levels x scale points
    for p in segs:
        if p.get_gid().endswith("|3"):                   # neutral split around zero
            assert p.get_x() == pytest.approx(-p.get_width() / 2)
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels == [cb.label("level", lv, "en") for lv in cb.level_codes] * 4
    assert ax.get_xlabel() == "Share of answers"
    assert cb.label("item", "ambitie_1", "en") in texts(ax.figure)


# ---------------------------------------------------------------- het 8-tje
def gap_lines(ax):
    return [ln for ln in ax.lines if (ln.get_gid() or "").startswith("gap|")]


def test_eight_diagram_breaks_exactly_where_flagged(wave2):
    gaps = an.level_gaps(wave2, by="leerlab", board_gap=0.5, translation_gap=0.5)
    for leerlab, cond in [("Zorg", "ambitie"), ("Groen", "belangen"), ("Verkoop", "relatie")]:
        ax = ap.eight_diagram(wave2, leerlab=leerlab, condition=cond, board_gap=0.5, translation_gap=0.5)
        lines = gap_lines(ax)
        assert len(lines) == 9                           # 3 horizontal + 6 vertical (2 adjacent + 1 arc per school)
        assert len([c for c in ax.collections if (c.get_gid() or "").startswith("node|")]) == 6
        g = gaps[(gaps["leerlab"] == leerlab) & (gaps["condition"] == cond)]
        drawn = ax.analyse_data[ax.analyse_data["element"] == "gap"]
        assert sorted(drawn["flag"]) == sorted(g["flag"]) and len(drawn) == len(g) == 9
        flagged = sorted(f"{r.kind}|{r.level_a}|{r.level_b}|{r.flag}" for r in g.itertuples() if r.flag)
        broken = sorted("|".join(ln.get_gid().split("|")[1:4] + ln.get_gid().split("|")[5:])
                        for ln in lines if ln.get_gid().split("|")[5])
        assert broken == flagged
        for ln in lines:                                 # broken lines are dashed, the others are not
            assert (ln.get_linestyle() == "--") == bool(ln.get_gid().split("|")[5])
        assert len([ln for ln in ax.lines if (ln.get_gid() or "").startswith("break|")]) == 2 * len(flagged)
    # the planted Zorg board detachment is flagged with the default thresholds too
    default = an.level_gaps(wave2, by="leerlab")
    assert (default.query("leerlab == 'Zorg' and condition == 'ambitie'")["flag"] == "board_line_broken").any()


def test_eight_grid_small_multiples(wave2):
    fig = ap.eight_grid(wave2, leerlabs=["Groen", "Zorg"], conditions=["ambitie", "organisatie"], lang="en")
    panels = [a for a in fig.axes if gap_lines(a)]
    assert len(panels) == 4
    assert sum(len(gap_lines(a)) for a in panels) == 36
    drawn = fig.analyse_data
    assert set(drawn["element"]) == {"node", "gap"}
    sel = drawn[drawn["element"] == "gap"]
    assert set(sel["leerlab"]) == {"Groen", "Zorg"} and set(sel["condition"].astype(str)) == {"ambitie", "organisatie"}
    n_broken = sum(1 for a in panels for ln in gap_lines(a) if ln.get_gid().split("|")[5])
    assert n_broken == (sel["flag"] != "").sum()
    assert [a.get_title() for a in panels[:2]] == ["Ambition", "Organisation"]
    assert fig.get_suptitle().startswith("Het 8-tje: collaboration")
    assert panels[0].get_yticklabels()[0].get_text() == "Board"


# ---------------------------------------------------------------- success factors, waves, sheet
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_success_factor_chart(wave2, lang):
    cb = wave2.codebook
    fig = ap.success_factor_chart(wave2, lang=lang)
    panels = fig.axes
    assert len(panels) == 5
    table = fig.analyse_data
    for ax, cond in zip(panels, cb.condition_codes):
        codes = cb.success_factors.loc[cb.success_factors["condition"] == cond, "code"]
        labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
        assert labels == [cb.label("success_factor", c, lang) for c in codes]
        assert ax.get_title(loc="left") == cb.label("condition", cond, lang)
        pit = cb.pitfalls.set_index("condition").loc[cond, lang]
        assert any(pit in t.get_text().replace("\n", " ") for t in ax.texts)
        assert len([p for p in ax.patches if p.get_gid() == "weakest_factor"]) == 1
        weak = set(table.loc[(table["condition"] == cond) & table["weakest"], "leerlab"].astype(str))
        marked = {c.get_gid().split("|")[1] for c in ax.collections
                  if (c.get_gid() or "").endswith("|weakest")}
        assert marked == weak
    assert panels[-1].get_xlabel() == {"nl": "Score (1 = Helemaal mee oneens, 5 = Helemaal mee eens)",
                                       "en": "Score (1 = Strongly disagree, 5 = Strongly agree)"}[lang]


def test_success_factor_axis_follows_the_codebook_scale(wave2):
    cb = wave2.codebook
    seven = {**cb.raw["scale"], "points": list(range(7)),
             "point_labels": {"nl": ["nooit", *"bcdef", "altijd"], "en": ["never", *"bcdef", "always"]}}
    fig = ap.success_factor_chart(an.success_factors(wave2), hue=None, conditions=["ambitie"], lang="nl",
                                  codebook=dataclasses.replace(cb, raw={**cb.raw, "scale": seven}))
    assert fig.axes[-1].get_xlabel() == "Score (0 = nooit, 6 = altijd)"


def test_wave_dumbbells_mark_significant_changes(survey):
    fig = ap.wave_dumbbells(survey, lang="en")
    table = fig.analyse_data
    sig = {f"{r.leerlab}|{r.condition}" for r in table.itertuples() if r.p_holm < 0.05}
    drawn = {"|".join(ln.get_gid().split("|")[1:3]) for ax in fig.axes for ln in ax.lines
             if (ln.get_gid() or "").endswith("|sig")}
    assert drawn == sig and "Horeca|proces" in sig    # the planted Horeca improvement
    all_lines = [ln for ax in fig.axes for ln in ax.lines if (ln.get_gid() or "").startswith("change|")]
    assert len(all_lines) == 5 * 5
    assert [ax.get_title() for ax in fig.axes] == [survey.codebook.label("condition", c, "en")
                                                   for c in survey.codebook.condition_codes]
    assert fig.get_suptitle() == "Change between waves"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_partner_sheet_is_one_a4_page(wave2, lang):
    fig = ap.partner_sheet(wave2, "Groen", lang=lang, top=5)
    assert tuple(np.round(fig.get_size_inches(), 2)) == (8.27, 11.69)
    label = wave2.codebook.label("leerlab", "Groen", lang)
    assert label in fig.get_suptitle()
    diffs = fig.analyse_data.query("panel == 'differences'")
    lines = [ln for ax in fig.findobj(matplotlib.axes.Axes) for ln in ax.lines
             if (ln.get_gid() or "").startswith("difference|")]
    assert len(lines) == 5
    assert [ln.get_gid().split("|")[1] for ln in lines] == list(diffs["item"][:5])
    assert diffs["diff"].abs().is_monotonic_decreasing
    assert diffs["item"].iloc[0].startswith("belangen")    # the planted Groen disagreement
    # the item gaps are analyse.gap on one-statement scales, partners in sector order
    r = wave2.responses
    direct = an.gap(an.Survey(r[r["leerlab"] == "Groen"], codebook=wave2.codebook), between="partner",
                    scales={i: [i] for i in wave2.codebook.item_codes})
    direct = direct.set_index("condition").loc[diffs["item"]]
    np.testing.assert_allclose(diffs["diff"], direct["diff"], rtol=0, atol=1e-12)
    assert (diffs["a"] == direct["a"].to_numpy()).all()
    assert set(fig.analyse_data["panel"]) == {"profile", "differences", "factors"}
    pit = wave2.codebook.pitfalls.set_index("condition").loc["belangen", lang]
    assert any(pit in t for t in texts(fig))


def test_likert_hides_a_group_below_min_n_and_says_so(wave2):
    r = wave2.responses
    one = an.Survey(r.iloc[:1], codebook=wave2.codebook)          # one respondent: every answer would be 100 %
    ax = ap.likert_bars(one, conditions=["ambitie"], lang="en")
    assert all(p.get_width() == 0 for p in segments(ax))
    assert not [t for t in texts(ax.figure) if t.endswith("%")]
    twin = next(a for a in ax.figure.axes if a is not ax)
    assert {t.get_text() for t in twin.get_yticklabels() if t.get_text()} == {"not shown"}
    table = an.likert_counts(one, conditions=["ambitie"])
    assert table[["n", "count_1", "share_5"]].isna().all().all() and (table["note"] == "n < 5").all()


def test_protected_figures_hide_what_the_plan_hides(wave2):
    r = wave2.responses
    sport = r["leerlab"] == "Sport"
    partner = r.loc[sport, "partner"].astype(str).iloc[0]
    lone = r.index[sport & (r["partner"].astype(str) == partner)][1:]
    safe = an.protect(an.Survey(r.drop(lone), codebook=wave2.codebook), min_n=5)
    ax = ap.leerlab_heatmap(safe, hue="partner", lang="en")
    hidden = [p for p in ax.patches if p.get_gid() == "suppressed"]
    assert len(hidden) == 10                             # both Sport partners: the lone one and its subtractable sibling
    fig = ap.eight_grid(safe, lang="en")
    assert not any(t.startswith("n=1") for t in texts(fig))
    counts = an.likert_counts(safe, by="partner")
    assert counts.loc[counts["partner"].astype(str) == partner, "n"].isna().all()


# ---------------------------------------------------------------- seaborn's manner: ax=, hue=, one tidy table
AXES_LEVEL = {
    "condition_profile": lambda s, **kw: ap.condition_profile(s, **kw),
    "leerlab_heatmap": lambda s, **kw: ap.leerlab_heatmap(s, **kw),
    "likert_bars": lambda s, **kw: ap.likert_bars(s, conditions=["ambitie"], **kw),
    "eight_diagram": lambda s, **kw: ap.eight_diagram(s, leerlab="Groen", condition="ambitie", **kw),
    "success_factor_panel": lambda s, **kw: ap.success_factor_panel(s, "belangen", **kw),
}
FIGURE_LEVEL = {
    "eight_grid": lambda s: ap.eight_grid(s, leerlabs=["Groen"], conditions=["ambitie"]),
    "success_factor_chart": lambda s: ap.success_factor_chart(s, conditions=["ambitie"]),
    "wave_dumbbells": lambda s: ap.wave_dumbbells(s, conditions=["ambitie"]),
    "partner_sheet": lambda s: ap.partner_sheet(s, "Groen"),
}


@pytest.mark.parametrize("name", sorted(AXES_LEVEL))
def test_axes_level_plots_draw_on_the_axes_given_and_return_it(survey, name):
    _fig, (left, right) = plt.subplots(1, 2)
    out = AXES_LEVEL[name](survey, ax=right)
    assert out is right
    assert right.get_children() and (right.lines or right.collections or right.patches)
    assert not (left.lines or left.collections or left.patches)   # nothing drawn elsewhere
    assert isinstance(out.analyse_data, pd.DataFrame) and len(out.analyse_data)
    assert not hasattr(out, "analyse_nodes")


@pytest.mark.parametrize("name", sorted(FIGURE_LEVEL))
def test_figure_level_plots_return_a_figure_with_one_table(survey, name):
    fig = FIGURE_LEVEL[name](survey)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert isinstance(fig.analyse_data, pd.DataFrame) and len(fig.analyse_data)


HUE_PLOTS = {
    "condition_profile": lambda s, hue, wave: ap.condition_profile(s, hue=hue, wave=wave).analyse_data,
    "leerlab_heatmap": lambda s, hue, wave: ap.leerlab_heatmap(s, hue=hue, wave=wave).analyse_data,
    "likert_bars": lambda s, hue, wave: ap.likert_bars(s, hue=hue, wave=wave, conditions=["relatie"]).analyse_data,
    "success_factor_panel": lambda s, hue, wave: ap.success_factor_panel(s, "proces", hue=hue, wave=wave).analyse_data,
    "success_factor_chart": lambda s, hue, wave: ap.success_factor_chart(s, hue=hue, wave=wave,
                                                                         conditions=["proces"]).analyse_data,
    "wave_dumbbells": lambda s, hue, wave: ap.wave_dumbbells(s, hue=hue, conditions=["proces"]).analyse_data,
}


@pytest.mark.parametrize("name", sorted(HUE_PLOTS))
@pytest.mark.parametrize("hue", ["leerlab", "partner", "sector", "level", "wave"])
def test_hue_draws_exactly_the_groups_present(survey, name, hue):
    if name == "wave_dumbbells" and hue == "wave":   # the figure compares the waves: not a hue
        with pytest.raises(an.AnalyseError, match="compares the waves"):
            HUE_PLOTS[name](survey, hue, None)
        return
    r = survey.responses
    wave = None if hue == "wave" or name == "wave_dumbbells" else "last"
    rows = r if wave is None else r[r["wave"] == r["wave"].cat.categories[-1]]
    table = HUE_PLOTS[name](survey, hue, wave)
    assert set(table[hue].astype(str)) == set(rows[hue].dropna().astype(str))


@pytest.mark.parametrize("alias", ["niveau", "Level", "NIVEAU"])
def test_hue_takes_aliases_and_any_capitalisation(wave2, alias):
    for table in (ap.condition_profile(wave2, hue=alias).analyse_data,
                  ap.likert_bars(wave2, hue=alias, conditions=["ambitie"]).analyse_data,
                  ap.leerlab_heatmap(wave2, hue=alias).analyse_data):
        assert set(table["level"]) == set(wave2.codebook.level_codes)


@pytest.mark.parametrize("plot", [
    lambda s: ap.condition_profile(s, hue="cohort"),
    lambda s: ap.leerlab_heatmap(s, hue="cohort"),
    lambda s: ap.likert_bars(s, hue="cohort"),
    lambda s: ap.success_factor_chart(s, hue="cohort"),
    lambda s: ap.success_factor_panel(s, "ambitie", hue="cohort"),
    lambda s: ap.wave_dumbbells(s, hue="cohort"),
])
def test_unknown_hue_lists_the_columns(survey, plot):
    with pytest.raises(UnknownColumnError, match="there is no column 'cohort'; the columns to group by are .*'leerlab'"):
        plot(survey)


def test_leerlab_values_are_forgiving_and_unknown_ones_listed(wave2):
    fig = ap.partner_sheet(wave2, "groen")
    assert wave2.codebook.label("leerlab", "Groen") in fig.get_suptitle()
    with pytest.raises(UnknownValueError, match="leerlab has no value 'Bos'; its values are 'Sport', 'Groen'"):
        ap.partner_sheet(wave2, "Bos")
    ax = ap.eight_diagram(wave2, leerlab="ZORG", condition="ambitie")
    assert set(ax.analyse_data["leerlab"]) == {"Zorg"}


def test_partner_sheet_orders_partners_as_het_8tje(wave2):
    fig = ap.partner_sheet(wave2, "Groen")
    nodes = an.level_nodes(wave2, by="leerlab")
    groen = nodes[nodes["leerlab"] == "Groen"].drop_duplicates("side").sort_values("side")["partner"].tolist()
    profile = fig.analyse_data.query("panel == 'profile'")
    assert list(profile["partner"].cat.categories) == groen
    diffs = fig.analyse_data.query("panel == 'differences'")
    assert set(diffs["a"]) == {groen[0]} and set(diffs["b"]) == {groen[1]}


# ---------------------------------------------------------------- "n < min_n" says the min_n used
def _small_groups(wave2):
    """Zorg with 3 respondents, and one Groen partner with 6: hidden at min_n 7, shown at 5."""
    r = wave2.responses
    zorg = r.index[r["leerlab"] == "Zorg"][3:]
    groen = r[r["leerlab"] == "Groen"]
    partner = groen["partner"].astype(str).iloc[0]
    cut = groen.index[groen["partner"].astype(str) == partner][6:]
    return an.Survey(r.drop(zorg.union(cut)), codebook=wave2.codebook), partner


@pytest.mark.parametrize("how", ["min_n", "protect"])
def test_hidden_groups_read_the_actual_min_n(wave2, how):
    s, partner = _small_groups(wave2)
    kw = {"min_n": 7}
    if how == "protect":                  # a Survey protected at 7, drawn with the default min_n
        s, kw = an.protect(s, min_n=7), {}
    ax = ap.leerlab_heatmap(s, lang="en", **kw)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["n < 7 or derivable: not shown"]
    fig = ap.eight_grid(s, leerlabs=["Zorg"], conditions=["ambitie"], lang="en", **kw)
    assert "n < 7 or derivable: not shown" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert not any("n < 5" in t for t in texts(fig))
    ax = ap.likert_bars(s, hue="leerlab", conditions=["ambitie"], lang="en", **kw)
    assert ax.get_xlabel().endswith("n < 7 or derivable: not shown")
    fig = ap.partner_sheet(s, "Groen", lang="en", **kw)
    assert f"{partner} (n < 7 or derivable: not shown)" in texts(fig)
    assert not any("n < 5" in t for t in texts(fig))


def test_wave_dumbbells_use_the_holm_p_of_wave_change_at_sig_level(survey):
    fig = ap.wave_dumbbells(survey, sig_level=0.2, lang="en")
    table = fig.analyse_data
    direct = an.wave_change(survey, by="leerlab")
    np.testing.assert_allclose(table["p_holm"], direct["p_holm"], rtol=0, atol=0)   # no further correction
    assert (table["significant"] == (direct["p_holm"] < 0.2)).all()
    drawn = sum((ln.get_gid() or "").endswith("|sig") for ax in fig.axes for ln in ax.lines)
    assert drawn == table["significant"].sum()
    assert "significant (Holm, p < 0.2)" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert "sig_level" in inspect.signature(ap.wave_dumbbells).parameters
    assert "alpha" not in inspect.signature(ap.wave_dumbbells).parameters
    assert "all changes in the figure" not in ap.wave_dumbbells.__doc__


def test_likert_zero_at_moves_neutral_to_one_side(wave2):
    ax = ap.likert_bars(wave2, conditions=["ambitie"], zero_at=3.5)
    neutral = [p for p in segments(ax) if p.get_gid().endswith("|3")]
    assert neutral and all(p.get_x() + p.get_width() == pytest.approx(0) for p in neutral)
