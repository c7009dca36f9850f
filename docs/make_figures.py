"""Render every figure of analyse.plot from the sample waves.

    python docs/make_figures.py                 # PNGs into docs/figures/
    python docs/make_figures.py --all-formats   # also SVG and PDF
    python docs/make_figures.py --lang en --out /tmp/figs

The sample data are synthetic (see data/sample/README.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window

import matplotlib.pyplot as plt  # noqa: E402

import analyse as an  # noqa: E402
import analyse.plot as ap  # noqa: E402

HERE = Path(__file__).resolve().parent


def figures(survey, lang: str):
    """(name, factory) of every figure, in the order the README shows them."""
    return [
        ("profiel_leerlabs", lambda: ap.condition_profile(survey, hue="leerlab", lang=lang)),
        ("profiel_niveaus", lambda: ap.condition_profile(survey, hue="level", lang=lang)),
        ("heatmap_leerlabs", lambda: ap.leerlab_heatmap(survey, lang=lang)),
        ("heatmap_partners_klein", lambda: ap.leerlab_heatmap(survey, rows="partner", min_n=15, lang=lang)),
        ("likert_stellingen", lambda: ap.likert_bars(survey, lang=lang)),
        ("likert_belangen_per_leerlab", lambda: ap.likert_bars(survey, by="leerlab", conditions=["belangen"],
                                                               lang=lang)),
        ("achtje_alle_leerlabs", lambda: ap.eight_grid(survey, lang=lang)),
        ("achtje_zorg_organisatie", lambda: ap.eight_diagram(survey, leerlab="Zorg", condition="organisatie",
                                                             gap_labels="all", lang=lang)),
        ("succesfactoren", lambda: ap.success_factor_chart(survey, lang=lang)),
        ("verandering_metingen", lambda: ap.wave_change(survey, lang=lang)),
        ("partnerblad_groen", lambda: ap.partner_sheet(survey, "Groen", lang=lang)),
        ("partnerblad_zorg", lambda: ap.partner_sheet(survey, "Zorg", lang=lang)),
    ]


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description="Render the analyse.plot figures from the sample waves.")
    parser.add_argument("--data", default=str(HERE.parent / "data" / "sample"),
                        help="folder or file with the survey exports (default: data/sample)")
    parser.add_argument("--out", default=str(HERE / "figures"), help="output folder (default: docs/figures)")
    parser.add_argument("--lang", choices=["nl", "en"], default="nl", help="label language (default: nl)")
    parser.add_argument("--all-formats", action="store_true", help="write SVG and PDF next to each PNG")
    parser.add_argument("--dpi", type=int, default=150,
                        help="PNG resolution (default 150 keeps the repository small; ap.save defaults to 300)")
    parser.add_argument("--only", nargs="*", default=None, help="render only these figure names")
    args = parser.parse_args(argv)

    ap.set_theme()
    survey = an.load(args.data)
    formats = ("png", "svg", "pdf") if args.all_formats else ("png",)
    suffix = "" if args.lang == "nl" else "_en"
    written = []
    for name, make in figures(survey, args.lang):
        if args.only and name not in args.only:
            continue
        written += ap.save(make(), Path(args.out) / f"{name}{suffix}", formats=formats, dpi=args.dpi)
        plt.close("all")
    for path in written:
        print(path)
    return written


if __name__ == "__main__":
    main()
