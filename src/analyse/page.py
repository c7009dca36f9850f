"""The pages researchers hand back: ``report.html`` and one feedback page per leerlab.

Both are rendered with Jinja2 from the templates in ``analyse/templates``,
from the statistics tables (:func:`analyse.report.compute_tables`, already
protected) and the figures that :func:`analyse.plot.render_all` wrote. Every
text comes from the translation table (:mod:`analyse.texts`), every number
through :mod:`analyse.present`. The pages are self-contained: figures are
embedded, there are no scripts and no external resources.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from . import present as P
from .codebook import Codebook
from .findings import findings, last_wave
from .present import Cell, Column, Table
from .survey import Survey
from .texts import text

__all__ = ["Section", "leerlab_page", "report_page"]

#: Rows of a table on the page; the full table is in tables.xlsx.
MAX_ROWS = 40


@dataclass
class Section:
    key: str
    title: str
    read: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)  # (data URI, alt text)
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)  # [{condition, groups: [{name, n, texts}]}]
    findings: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading, sentences)


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(loader=PackageLoader("analyse", "templates"), autoescape=select_autoescape(["html", "j2"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _figure(folder: Path, key: str, lang: str, alt: str, leerlab: str | None = None) -> list[tuple[str, str]]:
    """The figure ``key`` of ``folder``, embedded: SVG, sharp at any zoom and in print, and smaller than PNG."""
    from .plot.gallery import figure_name

    path = folder / f"{figure_name(key, lang, leerlab)}.svg"
    if not path.is_file():
        return []
    return [("data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode("ascii"), alt)]


# ---------------------------------------------------------------- curated tables
def _line(row: pd.Series, lang: str, cb: Codebook) -> Cell:
    levels = cb.labels("level", lang)
    if row["kind"] == "horizontal":
        return Cell(f"{levels.get(row['level_a'], row['level_a'])}: {row['partner_a']} – {row['partner_b']}")
    return Cell(f"{row['partner_a']}: {levels.get(row['level_a'], row['level_a'])} – "
                f"{levels.get(row['level_b'], row['level_b'])}")


def _from_to(row: pd.Series, lang: str, cb: Codebook) -> Cell:
    return Cell(f"{row['wave_from']} → {row['wave_to']}")


def _lang_col(stem: str, header: str) -> Column:
    return Column(header, lambda row, lang, cb: Cell(str(row[f"{stem}_{lang}"])), numeric=False)


LEERLAB, CONDITION = P.label("leerlab", "leerlab"), P.label("condition", "condition")
SPECS: dict[str, list[Column]] = {
    "means": [LEERLAB, CONDITION, P.count("n"), P.fixed("mean"), P.ci(), P.percent("share_agree")],
    "reliability": [P.label("wave"), CONDITION, P.count("n"), P.count("k"), P.fixed("alpha"), P.ci(),
                    P.fixed("omega")],
    "agreement": [LEERLAB, CONDITION, P.fixed("diff", signed=True), P.ci(), P.fixed("hedges_g", signed=True),
                  P.pval("welch_p_holm"), P.fixed("rwg_j"), P.fixed("rwg_j_q95"), P.word("verdict", "verdict")],
    "level_gaps": [LEERLAB, CONDITION, P.word("kind", "kind"), Column("line", _line, numeric=False),
                   P.fixed("diff", signed=True), P.ci(), P.pval("p_holm"), P.word("flag", "flag")],
    "factors": [LEERLAB, CONDITION, _lang_col("factor", "factor"), P.fixed("mean"), _lang_col("pitfall", "pitfall")],
    "wave_change": [LEERLAB, CONDITION, Column("from_to", _from_to, numeric=False), P.fixed("mean_from"),
                    P.fixed("mean_to"), P.fixed("diff", signed=True), P.ci(), P.pval("p_holm")],
}


def _weakest_factors(factors: pd.DataFrame) -> pd.DataFrame:
    """The success factors of each group's weakest condition in the last wave, the lowest first."""
    weak = last_wave(factors)
    weak = weak[weak["weakest"].fillna(False).astype(bool)]
    return weak.sort_values(["leerlab", "condition", "mean"], kind="mergesort")


def _table(frame: pd.DataFrame, spec: str, lang: str, cb: Codebook, *, own: bool = False) -> Table:
    """The curated table ``spec``; ``own``: on a leerlab's page, where a Leerlab column would say one name."""
    return P.table(frame, [c for c in SPECS[spec] if not (own and c is LEERLAB)], lang, cb, limit=MAX_ROWS)


def _wide_means(means: pd.DataFrame, lang: str, cb: Codebook) -> Table:
    """Leerlabs as rows, conditions as columns: the last wave's means."""
    conds = [c for c in cb.condition_codes if c in set(means["condition"].astype(str))]
    wide = means.pivot_table(index="leerlab", columns="condition", values="mean", observed=True, dropna=False,
                             sort=False).reindex(columns=conds)
    names = cb.labels("leerlab", lang)
    rows = [[Cell(names.get(ll, str(ll)))] + [Cell(P.number(wide.at[ll, c], lang)) for c in conds]
            for ll in wide.index]
    labels = cb.labels("condition", lang)
    return Table(headers=[text("header.leerlab", lang)] + [labels[c] for c in conds], rows=rows,
                 numeric=[False] + [True] * len(conds))


# ---------------------------------------------------------------- open answers
def _comments(answers: pd.DataFrame | None, lang: str, cb: Codebook, *, own: bool = False) -> list[dict]:
    """Open answers per condition, then per group: [{condition, groups: [{name, n, texts}]}].

    An answer given word for word by several people is listed once with their
    number ("... (3×)"). ``own``: on a leerlab's page, whose groups need not name it.
    """
    if answers is None or answers.empty:
        return []
    strata = [c for c in answers.columns if c not in ("condition", "n_respondents", "n_answers", "text", "note")
              and not (own and c == "leerlab")]
    leerlabs = cb.labels("leerlab", lang)
    out = []
    for cond in cb.condition_codes:
        rows = answers[(answers["condition"].astype(str) == cond) & answers["text"].notna()]
        groups = []
        for key, g in rows.groupby(strata, observed=True, sort=False) if strata else [((), rows)]:
            key = key if isinstance(key, tuple) else (key,)
            name = " · ".join(leerlabs.get(str(k), str(k)) if s == "leerlab" else
                              (text("page.last_wave", lang, wave=k) if s == "wave" else str(k))
                              for s, k in zip(strata, key))
            counts = g["text"].astype(str).value_counts(sort=False)  # in order of first appearance
            groups.append({"name": name, "n": len(g),
                           "texts": [t if k == 1 else f"{t} ({k}×)" for t, k in counts.items()]})
        if groups:
            out.append({"condition": cb.label("condition", cond, lang), "groups": groups})
    return out


# ---------------------------------------------------------------- the report
def _intro(survey: Survey, lang: str, min_n: int) -> list[str]:
    cb = survey.codebook
    r = survey.responses
    waves = [str(w) for w in (r["wave"].cat.categories if isinstance(r["wave"].dtype, pd.CategoricalDtype)
                              else sorted(r["wave"].astype(str).unique()))]
    waves_text = (text("page.one_wave", lang, wave=waves[0]) if len(waves) == 1
                  else text("page.waves", lang, n=len(waves), waves=", ".join(waves)))
    points = cb.point_labels(lang)
    agree = ", ".join(P.number(v, lang, 0) for v in cb.agree_points) or "—"
    disagree = ", ".join(P.number(v, lang, 0) for v in cb.disagree_points) or "—"
    return [text("page.data", lang, respondents=len(r), leerlabs=r["leerlab"].nunique(), waves_text=waves_text,
                 excluded=len(survey.excluded)),
            text("page.scale", lang, low=P.number(cb.scale_min, lang, 0), high=P.number(cb.scale_max, lang, 0),
                 low_label=points[0] if points else "", high_label=points[-1] if points else "",
                 mid=P.number(cb.midpoint, lang, 1 if cb.midpoint % 1 else 0), agree=agree, disagree=disagree),
            text("page.min_n", lang, min_n=min_n)]


def report_page(survey: Survey, tables: dict[str, pd.DataFrame], figures: Path, *, lang: str, min_n: int,
                answers: pd.DataFrame | None = None, notebooks: list[tuple[str, str]] = (),
                leerlab_pages: list[tuple[str, str]] = ()) -> str:
    """``report.html``: key findings first, then one section per question with its figure and a curated table.

    ``survey`` and ``tables`` must be the protected ones; ``figures`` the
    folder :func:`analyse.plot.render_all` wrote; ``answers`` the table of
    :func:`analyse.open_answers`; ``notebooks`` and ``leerlab_pages`` are
    (title, relative link) pairs.
    """
    cb = survey.codebook
    ad_cut = P.number(cb.n_options / 6, lang)
    sections = [Section("findings", text("section.findings", lang), findings=findings(tables, cb, lang))]
    if "means_leerlab" in tables:
        last = last_wave(tables["means_leerlab"])
        sections.append(Section("conditions", text("section.conditions", lang), text("read.conditions", lang),
                                _figure(figures, "profile_leerlabs", lang, text("section.conditions", lang))
                                + _figure(figures, "profile_levels", lang, text("header.level", lang))
                                + _figure(figures, "likert", lang, text("header.answers", lang)),
                                [_table(last, "means", lang, cb)]))
    if "reliability" in tables:
        sections.append(Section("reliability", text("section.reliability", lang), text("read.reliability", lang),
                                tables=[_table(tables["reliability"], "reliability", lang, cb)]))
    if "agreement" in tables:
        sections.append(Section("partners", text("section.partners", lang),
                                text("read.partners", lang, ad_cut=ad_cut),
                                _figure(figures, "heatmap_partners", lang, text("section.partners", lang)),
                                [_table(last_wave(tables["agreement"]), "agreement", lang, cb)]))
    if "level_gaps" in tables:
        gaps = last_wave(tables["level_gaps"])
        gaps = gaps[gaps["flag"].astype(str) != ""]
        sections.append(Section("levels", text("section.levels", lang), text("read.levels", lang, gap=P.number(
            1, lang, 0)), _figure(figures, "eight_all", lang, text("section.levels", lang)),
            [_table(gaps, "level_gaps", lang, cb)] if len(gaps) else [],
            [] if len(gaps) else [text("finding.no_broken", lang)]))
    if "means_leerlab" in tables:
        sections.append(Section("leerlabs", text("section.leerlabs", lang), text("read.leerlabs", lang),
                                _figure(figures, "heatmap_leerlabs", lang, text("section.leerlabs", lang)),
                                [_wide_means(last_wave(tables["means_leerlab"]), lang, cb)]))
    if "success_factors" in tables:
        weak = _weakest_factors(tables["success_factors"])
        sections.append(Section("factors", text("section.factors", lang), text("read.factors", lang),
                                _figure(figures, "success_factors", lang, text("section.factors", lang)),
                                [_table(weak, "factors", lang, cb)]))
    if "wave_change" in tables:
        sections.append(Section("waves", text("section.waves", lang), text("read.waves", lang),
                                _figure(figures, "wave_change", lang, text("section.waves", lang)),
                                [_table(tables["wave_change"], "wave_change", lang, cb)]))
    comments = _comments(answers, lang, cb)
    if comments:
        sections.append(Section("comments", text("section.comments", lang), text("read.comments", lang),
                                comments=comments))
    return _environment().get_template("report.html.j2").render(
        lang=lang, t=lambda key, **kw: text(key, lang, **kw), title=text("page.title", lang),
        subtitle=text("page.subtitle", lang), intro=_intro(survey, lang, min_n), sections=sections,
        notebooks=list(notebooks), leerlab_pages=list(leerlab_pages), version=version("analyse"))


# ---------------------------------------------------------------- one page per leerlab
def leerlab_page(survey: Survey, tables: dict[str, pd.DataFrame], leerlab: str, figures: Path, *, lang: str,
                 min_n: int, answers: pd.DataFrame | None = None) -> str:
    """The feedback page of one leerlab: its own picture, and of the others only the mean of all leerlabs.

    ``survey`` and ``tables`` must be the protected ones; ``figures`` the folder
    :func:`analyse.plot.render_all` wrote with ``per_leerlab=True``. A leerlab
    absent from the last wave gets a page that says so, with what it has.
    """
    from .stats import condition_means

    cb = survey.codebook
    name = cb.labels("leerlab", lang).get(leerlab, leerlab)
    own = {key: frame[frame["leerlab"].astype(str) == leerlab] for key, frame in tables.items() if "leerlab" in frame}
    r = survey.responses
    mine = r[r["leerlab"].astype(str) == leerlab]
    waves = [str(w) for w in r["wave"].cat.categories] if isinstance(r["wave"].dtype, pd.CategoricalDtype) \
        else sorted(r["wave"].astype(str).unique())
    last = waves[-1]
    notes = [] if (mine["wave"].astype(str) == last).any() else [text("page.not_in_wave", lang, leerlab=name,
                                                                       wave=last)]
    sections = []
    means = own.get("means_leerlab")
    if means is not None and len(means):
        mine_last = last_wave(means)
        overall = condition_means(survey, by="wave", min_n=min_n)
        overall = overall[overall["wave"].astype(str) == str(mine_last["wave"].iloc[0])]
        profile = mine_last.merge(overall[["condition", "mean"]].rename(columns={"mean": "all_mean"}),
                                  on="condition", how="left")
        cols = [CONDITION, P.count("n"), P.fixed("mean"), P.ci(), P.fixed("all_mean", header="all_leerlabs")]
        sections.append(Section("profile", text("section.profile", lang), text("read.profile", lang),
                                tables=[P.table(profile, cols, lang, cb)]))
    if len(mine) and (mine["wave"].astype(str) == last).any():
        figs = _figure(figures, "partner_sheet", lang, text("section.partners", lang), leerlab)
        if "agreement" in own:
            sections.append(Section("partners", text("section.partners", lang),
                                    text("read.own_partners", lang, ad_cut=P.number(cb.n_options / 6, lang)), figs,
                                    [_table(last_wave(own["agreement"]), "agreement", lang, cb, own=True)]))
        if "level_gaps" in own:
            gaps = last_wave(own["level_gaps"])
            gaps = gaps[gaps["flag"].astype(str) != ""]
            sections.append(Section("levels", text("section.levels", lang), text("read.levels", lang, gap=P.number(
                1, lang, 0)), _figure(figures, "eight", lang, text("section.levels", lang), leerlab),
                [_table(gaps, "level_gaps", lang, cb, own=True)] if len(gaps) else [],
                [] if len(gaps) else [text("finding.no_broken", lang)]))
    if "success_factors" in own:
        weak = _weakest_factors(own["success_factors"])
        sections.append(Section("factors", text("section.factors", lang), text("read.own_factors", lang),
                                tables=[_table(weak, "factors", lang, cb, own=True)]))
    if "wave_change" in own and len(own["wave_change"]):
        sections.append(Section("waves", text("section.waves", lang), text("read.own_waves", lang),
                                tables=[_table(own["wave_change"], "wave_change", lang, cb, own=True)]))
    if answers is not None:
        comments = _comments(answers[answers["leerlab"].astype(str) == leerlab], lang, cb, own=True)
        if comments:
            sections.append(Section("comments", text("section.comments", lang), text("read.own_comments", lang),
                                    comments=comments))
    return _environment().get_template("leerlab.html.j2").render(
        lang=lang, t=lambda key, **kw: text(key, lang, **kw), title=text("page.leerlab_title", lang, leerlab=name),
        subtitle=text("page.leerlab_subtitle", lang), intro=notes + [text("page.min_n", lang, min_n=min_n)],
        sections=sections, version=version("analyse"))
