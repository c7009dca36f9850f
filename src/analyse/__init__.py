"""analyse: the Common Eye reflection questionnaire for vmbo-mbo collaboration.

>>> import analyse as an
>>> survey = an.load("data/sample")            # doctest: +SKIP
>>> an.condition_means(survey, by=["leerlab"]) # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from . import sample
from .codebook import Codebook, load_codebook
from .errors import AnalyseError, CodebookError, SurveyError
from .loading import load
from .survey import Survey
from .stats import *  # noqa: F403  (one function per statistic, re-exported)
from .stats import __all__ as _stats_all

try:
    __version__ = version("analyse")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "AnalyseError",
    "Codebook",
    "CodebookError",
    "Survey",
    "SurveyError",
    "load",
    "load_codebook",
    "sample",
    *_stats_all,
]
