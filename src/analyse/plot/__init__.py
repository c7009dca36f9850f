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

from .._lazy import lazy

#: Public name -> the module that defines it, imported on first use: ``import analyse.plot`` does not yet
#: pay for matplotlib and seaborn.
_NAMES: dict[str, str] = {
    "MEAN_CMAP": "._theme",
    "SCALE_COLORS": "._theme",
    "condition_profile": ".profiles",
    "eight_diagram": ".eight",
    "eight_grid": ".eight",
    "figure_makers": ".gallery",
    "figure_name": ".gallery",
    "leerlab_heatmap": ".profiles",
    "likert_bars": ".likert",
    "partner_sheet": ".sheet",
    "render_all": ".gallery",
    "rendering": ".gallery",
    "save": "._theme",
    "scale_palette": "._theme",
    "set_theme": "._theme",
    "success_factor_chart": ".factors",
    "success_factor_panel": ".factors",
    "wave_dumbbells": ".waves",
}

__all__ = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES)
