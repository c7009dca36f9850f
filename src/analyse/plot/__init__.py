"""Figures of the Common Eye questionnaire, on seaborn and matplotlib.

Axes-level functions take tidy data (a :class:`~analyse.Survey` or a table
from :mod:`analyse.stats`), accept ``ax=``, take keyword-only options and
return the Axes; figure-level functions return a Figure. Every label comes
from the codebook, in Dutch by default and in English with ``lang="en"``;
numbers use a decimal comma in Dutch. The numbers behind a figure are
attached as ``.analyse_data``.

>>> import analyse as an, analyse.plot as ap
>>> ap.set_theme()
>>> survey = an.sample.generate()                       # doctest: +SKIP
>>> ax = ap.condition_profile(survey, hue="leerlab")    # doctest: +SKIP
>>> ap.save(ax, "profiel")                              # doctest: +SKIP
"""

from ._theme import MEAN_CMAP, SCALE_COLORS, save, scale_palette, set_theme
from .eight import eight_diagram, eight_grid, eight_tables
from .factors import success_factor_chart, success_factor_panel
from .gallery import figure_makers, render_all
from .likert import likert_bars, likert_counts
from .profiles import condition_profile, leerlab_heatmap
from .sheet import partner_sheet
from .waves import wave_change

__all__ = [
    "set_theme", "save", "scale_palette", "SCALE_COLORS", "MEAN_CMAP",
    "condition_profile", "leerlab_heatmap",
    "likert_bars", "likert_counts",
    "eight_diagram", "eight_grid", "eight_tables",
    "success_factor_chart", "success_factor_panel",
    "wave_change",
    "partner_sheet",
    "figure_makers", "render_all",
]
