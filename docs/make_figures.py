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

import analyse as an  # noqa: E402
import analyse.plot as ap  # noqa: E402

HERE = Path(__file__).resolve().parent


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

    survey = an.load(args.data)
    formats = ("png", "svg", "pdf") if args.all_formats else ("png",)
    out = Path(args.out) if args.lang == "nl" else Path(args.out) / "en"
    written = ap.render_all(survey, out, lang=args.lang, formats=formats, dpi=args.dpi, only=args.only)
    for path in written:
        print(path)
    return written


if __name__ == "__main__":
    main()
