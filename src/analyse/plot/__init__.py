"""Figures of the Common Eye questionnaire, on seaborn and matplotlib.

Plots take ``data=``, ``hue=`` and ``ax=`` as seaborn's do: ``data`` is a
:class:`~analyse.Survey` (or a table from :mod:`analyse.stats`), ``hue`` the
grouping drawn (one colour, bar or row per group; a column name in any
capitalisation or a codebook alias such as ``"niveau"``), and options are
keyword-only. Axes-level functions draw on ``ax=`` and return that Axes;
figure-level functions return a Figure. Every label comes from the codebook,
in Dutch by default and in English with ``lang="en"``; numbers use a decimal
comma in Dutch. The numbers behind a figure are attached as one tidy
DataFrame, ``.analyse_data``. A figure is never named as a table
(:func:`analyse.wave_change` is the table, :func:`wave_dumbbells` its figure).

>>> import analyse as an, analyse.plot as ap
>>> ap.set_theme()
>>> survey = an.sample.generate()
>>> ax = ap.condition_profile(survey, hue="leerlab")
>>> ax.get_ylabel()
'Gemiddelde (95%-BI)'
"""

from ._theme import MEAN_CMAP, SCALE_COLORS, save, scale_palette, set_theme
from .eight import eight_diagram, eight_grid
from .factors import success_factor_chart, success_factor_panel
from .gallery import figure_makers, figure_name, render_all, rendering
from .likert import likert_bars
from .profiles import condition_profile, leerlab_heatmap
from .sheet import partner_sheet
from .waves import wave_dumbbells

__all__ = [
    "MEAN_CMAP",
    "SCALE_COLORS",
    "condition_profile",
    "eight_diagram",
    "eight_grid",
    "figure_makers",
    "figure_name",
    "leerlab_heatmap",
    "likert_bars",
    "partner_sheet",
    "render_all",
    "rendering",
    "save",
    "scale_palette",
    "set_theme",
    "success_factor_chart",
    "success_factor_panel",
    "wave_dumbbells",
]
