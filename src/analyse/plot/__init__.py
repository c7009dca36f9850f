"""Figures on seaborn/matplotlib (filled in below)."""
from ._theme import save, scale_palette, set_theme
from .profiles import condition_profile, leerlab_heatmap
from .likert import likert_bars, likert_counts
from .eight import eight_diagram, eight_grid, eight_tables
from .factors import success_factor_chart, success_factor_panel
from .waves import wave_change
