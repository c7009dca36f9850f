"""analyse: the Common Eye reflection questionnaire for vmbo-mbo collaboration.

>>> import analyse as an
>>> survey = an.load("data/sample")            # doctest: +SKIP
>>> an.condition_means(survey, by=["leerlab"]) # doctest: +SKIP
"""

from . import sample
from ._lazy import lazy
from .codebook import Codebook, load_codebook
from .errors import AnalyseError, CodebookError, MissingColumnError, SurveyError
from .loading import load
from .stats import __all__ as _stats_all
from .survey import Survey

# The statistics, protect (scipy), the figures (matplotlib, seaborn) and even the version (importlib.metadata)
# are imported on first use: ``import analyse`` and loading a survey need pandas and numpy only.
__getattr__, __dir__ = lazy(__name__, {**dict.fromkeys(_stats_all, ".stats"), "protect": ".disclosure",
                                       "__version__": "._version"}, modules=("plot",))

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
