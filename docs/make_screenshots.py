"""Screenshots of the report page and two leerlab pages, for the README.

    python docs/make_screenshots.py                  # PNGs into docs/screenshots/
    python docs/make_screenshots.py --max-height 4000 --out /tmp/shots

Builds the report of the sample waves (with --per-leerlab, without notebooks)
in Dutch and in English into a temporary folder, measures each page's height
in headless Chromium and photographs it 1400 px wide, cut off at --max-height.
Needs Chromium (Debian's `chromium`); Pillow, when installed, reduces each PNG
to a 256-colour palette to keep the repository small.

The sample data are synthetic (see data/sample/README.md).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window

from analyse.report import build_report  # noqa: E402

HERE = Path(__file__).resolve().parent

#: (file in docs/screenshots, language, page inside the report folder)
SHOTS = [
    ("report_nl.png", "nl", "report.html"),
    ("report_en.png", "en", "report.html"),
    ("leerlab_groen_nl.png", "nl", "leerlabs/leerlab_groen.html"),
    ("leerlab_zorg_en.png", "en", "leerlabs/leerlab_zorg.html"),
]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
# Writes the page's height into an attribute once everything has loaded; read back from --dump-dom.
PROBE = """<script>window.addEventListener("load", () => document.body.setAttribute("data-height",
  JSON.stringify(Math.ceil(document.documentElement.scrollHeight))));</script>"""


def page_height(chromium: str, page: Path, width: int, profile: Path) -> int:
    """The page's full height in CSS pixels at ``width``, measured on a copy with :data:`PROBE` injected."""
    probe = page.with_name(".probe_" + page.name)
    probe.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    try:
        run = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},1000",
                              "--virtual-time-budget=20000", "--dump-dom", probe.as_uri()],
                             capture_output=True, text=True, timeout=180, check=False)
    finally:
        probe.unlink()
    match = re.search(r'data-height="([^"]*)"', run.stdout)
    if not match:
        raise RuntimeError(f"{page}: could not measure its height\n{run.stderr[-2000:]}")
    return int(json.loads(html.unescape(match.group(1))))


def screenshot(chromium: str, page: Path, png: Path, width: int, height: int, profile: Path) -> None:
    """Photograph the top ``height`` pixels of ``page`` at ``width`` into ``png``."""
    run = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                          "--virtual-time-budget=20000", f"--screenshot={png}", page.as_uri()],
                         capture_output=True, text=True, timeout=180, check=False)
    if not png.is_file():
        raise RuntimeError(f"{page}: no screenshot\n{run.stderr[-2000:]}")


def shrink(png: Path) -> None:
    """Reduce ``png`` to a 256-colour palette (when Pillow is installed): a third of the size, same look.

    Octree keeps the rare saturated colours of the figures (a leerlab's colour,
    the ends of a colour bar) that median cut merges into the greys of the page.
    """
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    small.save(png, optimize=True)


def main(argv=None) -> list[Path]:
    parser = argparse.ArgumentParser(description="Screenshots of report.html and two leerlab pages (nl and en).")
    parser.add_argument("--data", default=str(HERE.parent / "data" / "sample"),
                        help="folder or file with the survey exports (default: data/sample)")
    parser.add_argument("--out", default=str(HERE / "screenshots"), help="output folder (default: docs/screenshots)")
    parser.add_argument("--width", type=int, default=1400, help="window width in pixels (default 1400)")
    parser.add_argument("--max-height", type=int, default=3000,
                        help="cut each page off at this many pixels (default 3000: the key findings and the first "
                             "sections); 0 photographs the whole page")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium",
                        help="the Chromium binary (default: chromium on PATH)")
    args = parser.parse_args(argv)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="analyse-screenshots-") as tmp:
        tmp = Path(tmp)
        folders = {}
        for lang in sorted({lang for _, lang, _ in SHOTS}):
            folders[lang] = tmp / lang / "rapport"
            build_report(args.data, folders[lang], lang=lang, notebooks=False, per_leerlab=True, progress=False)
        for name, lang, page in SHOTS:
            path = folders[lang] / page
            if not path.is_file():
                found = sorted(p.relative_to(folders[lang]).as_posix() for p in folders[lang].rglob("*.html"))
                raise FileNotFoundError(f"{page} not in the {lang} report; it has {found}")
            full = page_height(args.chromium, path, args.width, tmp / "profile")
            height = full if args.max_height <= 0 else min(full, args.max_height)
            png = out / name
            screenshot(args.chromium, path, png, args.width, height, tmp / "profile")
            shrink(png)
            print(f"{png}  ({args.width}×{height} of {full} px, {png.stat().st_size // 1024} KB)")
            written.append(png)
    return written


if __name__ == "__main__":
    main()
