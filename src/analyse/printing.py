"""A PDF of a page, printed by a Chromium-family browser (Chromium, Chrome, Edge) when one is installed.

The pages are self-contained HTML with print rules in their style sheet (A4,
no figure, table or group of answers split over two pages); a headless
browser prints them exactly as a reader's browser would. No browser is a
dependency: without one the PDFs are skipped and the command line says how to
make them by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import AnalyseError

__all__ = ["find_browser", "print_pdfs"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "msedge",
          "chrome")
_PLACES = {
    "darwin": ["/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
               "/Applications/Chromium.app/Contents/MacOS/Chromium",
               "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"],
    "win32": [r"C:\Program Files\Google\Chrome\Application\chrome.exe",
              r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
              r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
              r"C:\Program Files\Microsoft\Edge\Application\msedge.exe"],
}
_ELSE = "name another browser in ANALYSE_BROWSER, or print the page from a browser by hand"
#: Seconds one page may take to print; a browser that hangs is stopped and the page reported.
TIMEOUT = 60


def find_browser() -> str | None:
    """The path of a Chromium-family browser: ``ANALYSE_BROWSER``, then the usual names and places."""
    chosen = os.environ.get("ANALYSE_BROWSER")
    if chosen:
        return chosen if Path(chosen).is_file() or shutil.which(chosen) else None
    for name in _NAMES:
        if found := shutil.which(name):
            return found
    return next((p for p in _PLACES.get(sys.platform, []) if Path(p).is_file()), None)


def print_pdfs(pages: Sequence[Path], browser: str, *, processes: int = 2) -> list[Path]:
    """Print each HTML page to a PDF beside it (same name, ``.pdf``), ``processes`` at a time; return the PDFs.

    Raises :class:`AnalyseError` naming the page when the browser fails or
    takes longer than :data:`TIMEOUT` seconds.
    """
    done: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="analyse-print-") as profile:
        for start in range(0, len(pages), processes):
            batch = [(page, _start(page, browser, Path(profile) / str(start + i)))
                     for i, page in enumerate(pages[start:start + processes])]
            for page, run in batch:
                try:
                    _, err = run.communicate(timeout=TIMEOUT)
                except subprocess.TimeoutExpired:
                    run.kill()
                    run.communicate()
                    raise AnalyseError(f"{page.name}: {browser} did not print it within {TIMEOUT} s; {_ELSE}") \
                        from None
                pdf = page.with_suffix(".pdf")
                if run.returncode != 0 or not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
                    raise AnalyseError(f"{page.name}: {browser} could not print it ({err.strip()[-300:]}); {_ELSE}")
                done.append(pdf)
    return done


def _start(page: Path, browser: str, profile: Path) -> subprocess.Popen:
    flags = ["--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
             f"--user-data-dir={profile}", f"--print-to-pdf={page.with_suffix('.pdf')}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox (containers, CI)
    return subprocess.Popen([browser, *flags, page.resolve().as_uri()], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
