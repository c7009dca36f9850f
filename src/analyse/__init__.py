"""analyse: the Common Eye reflection questionnaire for vmbo-mbo collaboration.

>>> import analyse as an
>>> survey = an.load("data/sample")            # doctest: +SKIP
>>> an.condition_means(survey, by=["leerlab"]) # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from . import sample
from .codebook import Codebook, load_codebook
from .disclosure import protect
from .errors import AnalyseError, CodebookError, MissingColumnError, SurveyError
from .loading import load
from .survey import Survey
from .stats import *  # noqa: F403  (one function per statistic, re-exported)
from .stats import __all__ as _stats_all


def __getattr__(name: str):
    # ``an.plot`` is imported on first use, so that loading and statistics do not pay for matplotlib.
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'analyse' has no attribute {name!r}")


try:
    __version__ = version("analyse")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "AnalyseError",
    "Codebook",
    "CodebookError",
    "MissingColumnError",
    "Survey",
    "SurveyError",
    "load",
    "load_codebook",
    "plot",
    "protect",
    "sample",
    *_stats_all,
]
