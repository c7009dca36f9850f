"""The end-to-end report on the sample waves: ``analyse report data/sample --out DIR --quiet``."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from .common import median_time

ROOT = Path(__file__).resolve().parent.parent


def run(quick: bool, log=print) -> list[str]:
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "analyse", "report", str(ROOT / "data" / "sample"), "--out",
               str(Path(tmp) / "rapport"), "--quiet"]
        sec = median_time(lambda: subprocess.run(cmd, check=True, capture_output=True), repeat)
    log(f"  report on data/sample: {sec:.1f} s")
    return ["## End-to-end report on data/sample", "",
            f"`analyse report data/sample --out DIR --quiet` (tables, figures, six executed notebooks, HTML): "
            f"**{sec:.1f} s**, median of {repeat} run(s).", ""]
