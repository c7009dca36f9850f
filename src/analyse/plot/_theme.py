"""Theme, palettes, labels and saving: the one place every figure takes its look from.

Palette for the answer scale
----------------------------
:data:`SCALE_COLORS` are five hand-picked classes of ColorBrewer's BrBG
(brown = disagree, teal = agree, light grey = neutral). Brown/teal is a
blue-yellow contrast, so it stays readable for the common red-green colour
blindnesses. Lightness rises monotonically from each end towards the centre,
and the agree arm is offset from the disagree arm, so that all five classes
keep a distinct grey when printed in black and white (CIE L* about 24, 58, 88,
78, 40). Text drawn on a segment picks black or white by the segment's
luminance (:func:`text_color`).

Means are coloured with :data:`MEAN_CMAP`, the continuous BrBG map, centred on
the scale's midpoint so that "neutral" is the lightest colour.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.ticker import FuncFormatter

from .. import texts

__all__ = [
    "MEAN_CMAP",
    "NO_ANSWER_COLOR",
    "SCALE_COLORS",
    "SUPPRESSED_COLOR",
    "fmt_num",
    "number_formatter",
    "percent_formatter",
    "save",
    "scale_palette",
    "set_theme",
    "text",
    "text_color",
    "wrap",
]

#: Five-point answer palette (disagree -> agree), see the module docstring.
SCALE_COLORS = ["#543005", "#bf812d", "#dcdcdc", "#80cdc1", "#01665e"]
#: Colour of "no answer" (Weet ik niet / n.v.t. / blank) and of suppressed cells.
NO_ANSWER_COLOR = "#ffffff"
SUPPRESSED_COLOR = "#d9d9d9"
#: Continuous map for means: brown (low) - light (midpoint) - teal (high).
MEAN_CMAP = LinearSegmentedColormap.from_list(
    "analyse_mean", ["#8c510a", "#d8b365", "#f5f5f5", "#5ab4ac", "#01665e"])


def text(key: str, lang: str = "nl", **values) -> str:
    """Axis title, legend or note ``key`` of the ``[figure]`` texts in ``lang``."""
    return texts.text(f"figure.{key}", lang, **values)


# ---------------------------------------------------------------- numbers
def fmt_num(x: float, lang: str = "nl", decimals: int = 1) -> str:
    """A number as text with a decimal comma in Dutch (no locale involved)."""
    if x is None or not np.isfinite(x):
        return "–"
    s = f"{x:.{decimals}f}"
    return s.replace(".", ",") if lang == "nl" else s


def number_formatter(lang: str = "nl", decimals: int = 1) -> FuncFormatter:
    """Tick formatter with a decimal comma for Dutch (FuncFormatter, not ``locale``)."""
    return FuncFormatter(lambda x, _pos: fmt_num(x, lang, decimals))


def percent_formatter(lang: str = "nl") -> FuncFormatter:
    """Tick formatter for shares on a diverging axis: ``-0.5`` -> ``50%``."""
    return FuncFormatter(lambda x, _pos: f"{abs(x) * 100:.0f}%")


def wrap(s: str, width: int) -> str:
    """Wrap label text on word boundaries (statements stay whole, never cut)."""
    return "\n".join(textwrap.wrap(str(s), width=width, break_long_words=False)) or str(s)


def text_color(color) -> str:
    """Black or white, whichever reads better on ``color`` (relative luminance)."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color))
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.25 else "white"


def scale_palette(n: int = 5) -> list:
    """Colours for an ``n``-point answer scale, disagree to agree.

    Five points give :data:`SCALE_COLORS`; other lengths sample BrBG with the
    same light-grey centre for odd scales.

    Examples
    --------
    >>> import analyse.plot as ap
    >>> ap.scale_palette(5)[2]
    '#dcdcdc'
    """
    if n == 5:
        return list(SCALE_COLORS)
    cols = [mpl.colors.to_hex(c) for c in sns.color_palette("BrBG", n)]
    if n % 2:
        cols[n // 2] = SCALE_COLORS[2]
    return cols


# ---------------------------------------------------------------- theme and save
#: rc settings that make saved files byte-identical between runs.
_DETERMINISTIC_RC = {"svg.hashsalt": "analyse", "svg.fonttype": "path", "pdf.fonttype": 42}


def set_theme(context: str = "notebook", *, font_scale: float = 1.0, rc: dict | None = None) -> None:
    """Apply the package's figure style (wraps :func:`seaborn.set_theme`).

    White grid, colour-blind safe qualitative palette for groups, deterministic
    SVG ids, readable default font sizes.

    Parameters
    ----------
    context : str
        Seaborn context ("paper", "notebook", "talk", "poster").
    font_scale : float
        Passed to seaborn.
    rc : dict, optional
        Extra rcParams, applied last.

    Examples
    --------
    >>> import analyse.plot as ap
    >>> ap.set_theme("paper")
    """
    base = {"axes.titleweight": "bold", "axes.titlesize": "medium", "figure.dpi": 100,
            "savefig.dpi": 300, "legend.frameon": False, **_DETERMINISTIC_RC}
    sns.set_theme(context=context, style="whitegrid", palette="colorblind", font_scale=font_scale,
                  rc={**base, **(rc or {})})


def save(fig, path: str | Path, *, formats: Iterable[str] = ("png", "svg", "pdf"), dpi: int = 300) -> list[Path]:
    """Write ``fig`` as PNG (``dpi``), SVG and PDF at once; return the paths.

    ``path`` may carry a suffix or not; it is replaced by each format's. The
    bounding box is "tight" so legends placed outside the axes are kept, and
    dates and random ids are left out so repeated saves give identical files.

    Parameters
    ----------
    fig : Figure, FacetGrid or Axes
    path : str or Path
    formats : iterable of str
        Any of "png", "svg", "pdf".
    dpi : int
        Resolution of the PNG.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import analyse.plot as ap, matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> [p.name for p in ap.save(fig, pathlib.Path(tempfile.mkdtemp()) / "voorbeeld")]
    ['voorbeeld.png', 'voorbeeld.svg', 'voorbeeld.pdf']
    """
    fig = getattr(fig, "figure", fig)  # FacetGrid and Axes carry their Figure
    path = Path(path)
    if path.suffix.lower() in (".png", ".svg", ".pdf"):
        path = path.with_suffix("")
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
            "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}}
    formats = [fmt.lower().lstrip(".") for fmt in formats]
    for fmt in formats:
        if fmt not in meta:
            raise ValueError(f"format must be png, svg or pdf, not {fmt!r}")
    out = []
    engine = fig.get_layout_engine()
    with plt.rc_context(_DETERMINISTIC_RC):
        # Lay out and find the tight box once: every format would otherwise do both again (half its time).
        fig.draw_without_rendering()
        box = fig.get_tightbbox().padded(plt.rcParams["savefig.pad_inches"])
        if engine is not None:
            fig.set_layout_engine("none")
        try:
            for fmt in formats:
                target = path.with_suffix("." + fmt)
                fig.savefig(target, format=fmt, dpi=dpi, bbox_inches=box, metadata=meta[fmt], facecolor="white")
                out.append(target)
        finally:
            if engine is not None:
                fig.set_layout_engine(engine)
    return out
