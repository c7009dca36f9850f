"""python -m benchmarks [--quick] [--only SECTION ...] [--out FILE]: run the benchmarks, write RESULTS.md."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from . import imports, loading, report, scale, stats
from .common import machine

SECTIONS = {"imports": imports, "loading": loading, "stats": stats, "scale": scale, "report": report}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split(":", 1)[1].strip())
    ap.add_argument("--quick", action="store_true",
                    help="small sizes and fewer runs (10k-row files, 1,000 groups, scale up to 100k): a few minutes")
    ap.add_argument("--only", nargs="+", choices=list(SECTIONS), help="run only these sections")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "RESULTS.md",
                    help="where to write the results (default benchmarks/RESULTS.md)")
    args = ap.parse_args(argv)
    started = dt.datetime.now()
    lines = ["# Benchmark results", "",
             f"{'Quick' if args.quick else 'Full'} run of `python -m benchmarks{' --quick' if args.quick else ''}` "
             f"on {started:%Y-%m-%d %H:%M}.", "", *[f"- {line}" for line in machine()], ""]
    for name in args.only or SECTIONS:
        print(f"== {name}", flush=True)
        lines += SECTIONS[name].run(args.quick, log=lambda m: print(m, flush=True))
    minutes = (dt.datetime.now() - started).total_seconds() / 60
    lines += [f"Total benchmark time: {minutes:.1f} min. Generated inputs are cached in `benchmarks/.cache/` "
              "(delete it to regenerate).", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
