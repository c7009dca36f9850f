"""The ``analyse`` command line.

Exit codes: 0 success, 1 a problem with the data (the message names file,
row, column and value), 2 a usage error, 3 an internal error (a bug: please
report it, with ``--debug`` output).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .colmap import ColumnMap
from .errors import AnalyseError

__all__ = ["main"]

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # the shell's 128 + SIGINT, 128 + SIGTERM


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that it cleans up as after Ctrl-C."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analyse",
        description="Analyse the Common Eye reflection questionnaire ('Reflecteren op samenwerking') "
                    "of vmbo-mbo leerlabs.",
        epilog="Exit codes: 0 ok, 1 data problem, 2 usage error, 3 internal error.")
    parser.add_argument("--version", action="version", version=f"analyse {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    check = sub.add_parser(
        "check", help="load and validate exports; print the load report",
        description="Load and validate questionnaire exports (.xlsx, .csv or a folder of them) and print "
                    "what was read, kept and excluded, and why. Input files are never modified.")
    check.add_argument("inputs", nargs="+", metavar="INPUT", help="export file(s) or folder(s)")
    check.add_argument("--codebook", metavar="TOML", help="a codebook of your own (default: Common Eye)")
    check.add_argument("--wave", action="append", metavar="WAVE",
                       help="wave (meting) of files that do not name it; once, or once per file")
    check.add_argument("--sheet", metavar="SHEET", help="worksheet name of .xlsx inputs")
    _map_options(check)
    check.add_argument("--lang", choices=["nl", "en"], default="nl", help="language of the report (default nl)")
    check.add_argument("--excluded", metavar="CSV", type=Path,
                       help="also write the excluded rows (file, row, column, value, reason) to this CSV")
    check.add_argument("--write-map", metavar="TOML", type=Path,
                       help="write what was recognised (every header, its meaning and the evidence) as a column "
                            "map to edit and reuse with --map")
    check.add_argument("--force", action="store_true",
                       help="replace an existing --excluded or --write-map file (inputs are never replaced)")
    check.add_argument("--strict", action="store_true", help="exit 1 when any row was excluded")
    check.set_defaults(run=_check)

    report = sub.add_parser(
        "report", help="the whole analysis: one HTML report, tables, figures, executed notebooks",
        description="Load and validate the inputs, compute every analysis and write DIR/tables.xlsx, "
                    "DIR/figures/ (PNG and SVG; PDF on request), DIR/notebooks/ (executed) and DIR/report.html: a folder to "
                    "share, naming no input folder and holding no row of the data. The excluded rows with their "
                    "values and the full load report go to the private folder DIR-intern/. Inputs of several "
                    "waves include the wave comparison. DIR is replaced only when the new report is complete, "
                    "and only when analyse wrote it.")
    report.add_argument("inputs", nargs="+", metavar="INPUT", help="export file(s) or folder(s)")
    report.add_argument("--out", required=True, type=Path, metavar="DIR", help="report folder to (re)write")
    report.add_argument("--private", type=Path, metavar="DIR2",
                        help="folder for the row-level material, not to share (default: DIR-intern beside DIR)")
    report.add_argument("--lang", choices=["nl", "en"], default="nl", help="language of labels (default nl)")
    report.add_argument("--min-n", type=_positive_int, default=5, metavar="N",
                        help="minimum group size; smaller groups are suppressed (default 5)")
    report.add_argument("--codebook", metavar="TOML", help="a codebook of your own (default: Common Eye)")
    report.add_argument("--wave", action="append", metavar="WAVE",
                        help="wave (meting) of files that do not name it; once, or once per file")
    _map_options(report)
    report.add_argument("--no-notebooks", action="store_true",
                        help="skip executing the notebooks (report.html, tables and figures are still written)")
    report.add_argument("--formats", type=_formats, default=("png", "svg"), metavar="LIST",
                        help="file types of the figures, comma-separated from png, svg, pdf (default png,svg; "
                             "SVG is always written, the pages show it; pdf adds about 5 s)")
    report.add_argument("--per-leerlab", action="store_true",
                        help="also write one feedback page per leerlab (DIR/leerlabs/), for the team's own talk")
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.set_defaults(run=_report)
    return parser


def _map_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--map", metavar="TOML", help="a column map: what each header holds (as --write-map writes "
                                                      "it); it overrides recognition")
    parser.add_argument("--column", action="append", metavar="HEADER=MEANING", default=[],
                        help="what one column holds: an item code, respondent_id, wave, leerlab, partner, sector, "
                             "level, comment_<condition>, personal or ignore (repeatable; wins over --map)")
    parser.add_argument("--metadata", action="append", metavar="ROLE=VALUE", default=[],
                        help="a value for every row, for what the form does not ask: leerlab=Groen, "
                             "partner='Vmbo De Akker', sector, level or wave (repeatable)")


def _column_map(args) -> ColumnMap:
    """--map, then --column entries over it, then --metadata values."""
    column_map = ColumnMap.from_arguments(args.map, dict(_pairs(args.metadata, "--metadata", "ROLE=VALUE")))
    column_map.columns.update(_pairs(args.column, "--column", "HEADER=MEANING", last=True))
    return column_map


def _pairs(values: list[str], option: str, form: str, last: bool = False) -> list[tuple[str, str]]:
    """``KEY=VALUE`` texts as pairs; a header may hold '=' (split at the last), a value may too (at the first)."""
    out = []
    for text in values:
        key, sep, value = text.rpartition("=") if last else text.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise AnalyseError(f"{option} {text!r}: write it as {form}")
        out.append((key.strip(), value.strip()))
    return out


def _formats(text: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in text.split(",") if f.strip()))
    wrong = [f for f in formats if f not in ("png", "svg", "pdf")]
    if wrong or not formats:
        raise argparse.ArgumentTypeError(f"{text!r}: give png, svg and/or pdf, comma-separated (e.g. png,svg,pdf)")
    return formats


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _waves(args):
    return None if not args.wave else (args.wave[0] if len(args.wave) == 1 else args.wave)


def _report(args) -> int:
    from .report import build_report
    from .texts import text

    done = build_report(args.inputs, args.out, lang=args.lang, min_n=args.min_n, codebook=args.codebook,
                        wave=_waves(args), columns=_column_map(args), notebooks=not args.no_notebooks,
                        per_leerlab=args.per_leerlab, formats=args.formats, progress=not args.quiet,
                        private=args.private)
    print(text("cli.private", args.lang, excluded=done.excluded, private=done.private))
    if done.leerlab_pages:
        pdfs = text("cli.leerlab_pdfs", args.lang) if done.leerlab_pdfs else text("cli.no_pdf", args.lang)
        print(text("cli.leerlab_pages", args.lang, n=len(done.leerlab_pages), folder=done.leerlab_pages[0].parent)
              + f" ({pdfs})")
    print(text("cli.report", args.lang, html=done.html))
    return EXIT_OK


def _check(args) -> int:
    from .colmap import write_map
    from .loading import input_files, load
    from .report import check_output, read_only_paths
    from .texts import text
    from .writing import write_csv

    read_only = read_only_paths([*args.inputs, *input_files(args.inputs)], args.codebook, args.map)
    for option, target in (("--excluded", args.excluded), ("--write-map", args.write_map)):
        if target:
            check_output(target, read_only, option)
            if target.exists() and not args.force:
                raise AnalyseError(f"{target}: already exists; {option} replaces a file only with --force")
    column_map = _column_map(args)
    survey = load(args.inputs, codebook=args.codebook, wave=_waves(args), sheet=args.sheet, columns=column_map,
                  lang=args.lang)
    print(survey.report().to_text(args.lang))
    if args.excluded:
        _write_atomically(args.excluded, lambda path: write_csv(survey.excluded, path))
        print(text("cli.written_excluded", args.lang, path=args.excluded))
    if args.write_map:
        _write_atomically(args.write_map, lambda path: write_map(path, survey.report().files, lang=args.lang,
                                                                 dual_scale=column_map.dual_scale))
        print(text("cli.written_map", args.lang, path=args.write_map))
    return EXIT_DATA if args.strict and len(survey.excluded) else EXIT_OK


def _write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Write beside ``target`` and rename: an interrupted run never leaves half a file in its place."""
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        write(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def _sigterm_as_interrupt():
    """Handle SIGTERM (a service stopping, ``kill``) like Ctrl-C: clean up, then one line."""
    def stop(signum, frame):
        raise _Terminated

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: the caller keeps its own handling
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _os_error(exc: OSError) -> str:
    """A failing file system in one plain sentence that names the path."""
    reason = (exc.strerror or str(exc)).rstrip(".")
    reason = reason[:1].lower() + reason[1:]
    return f"{exc.filename}: {reason}" if exc.filename else reason


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    try:
        with _sigterm_as_interrupt():
            return args.run(args)
    except AnalyseError as exc:
        print(f"analyse: error: {exc}", file=sys.stderr)
        return EXIT_DATA
    except _Terminated:
        print("analyse: stopped (SIGTERM); nothing was replaced", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("analyse: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of our output went away (| head): nothing left to say
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:  # a full disk, a read-only folder, a missing permission: not a bug
        print(f"analyse: error: {_os_error(exc)}", file=sys.stderr)
        return EXIT_DATA
    except Exception as exc:  # noqa: BLE001 - a bug: one clear line, the traceback only on request
        if args.debug:
            traceback.print_exc()
        print(f"analyse: internal error ({type(exc).__name__}: {exc}); rerun with --debug and report it",
              file=sys.stderr)
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
