"""Statistics on a Survey: scores, reliability, agreement, level gaps, wave change.

Every function takes a :class:`~analyse.Survey`, or any tidy DataFrame with
``scales=`` (see :mod:`analyse.stats._input`), and returns a tidy DataFrame,
one row per stratum x condition (or item / gap / factor). Groups below ``min_n`` respondents
(default :data:`analyse.stats._common.MIN_GROUP_SIZE`) get NaN estimates and
a ``note``. On a Survey made by :func:`analyse.protect`, the group statistics
also blank the groups its disclosure plan hides.
"""

from ..disclosure import protected
from . import agreement as _agreement
from . import counts as _counts
from . import krippendorff as _krippendorff
from . import levels as _levels
from . import mixed as _mixed
from . import reliability as _reliability
from . import scores as _scores
from . import success as _success
from . import waves as _waves
from ._common import MIN_GROUP_SIZE
from .open_answers import open_answers
from .scores import condition_scores
from .success import factor_scores

condition_means = protected(_scores.condition_means)
reliability = protected(_reliability.reliability)
item_statistics = protected(_reliability.item_statistics)
rwg = protected(_agreement.rwg)
ad = protected(_agreement.ad)
icc = protected(_agreement.icc)
krippendorff = protected(_krippendorff.krippendorff)
gap = protected(_agreement.gap)
mixed_gap = protected(_mixed.mixed_gap)
agreement = protected(_agreement.agreement)
level_nodes = protected(_levels.level_nodes)
level_gaps = protected(_levels.level_gaps)
wave_change = protected(_waves.wave_change)
success_factors = protected(_success.success_factors)
likert_counts = protected(_counts.likert_counts)

__all__: list[str] = [
    "MIN_GROUP_SIZE",
    "condition_scores",
    "condition_means",
    "reliability",
    "item_statistics",
    "rwg",
    "ad",
    "icc",
    "krippendorff",
    "gap",
    "mixed_gap",
    "agreement",
    "level_nodes",
    "level_gaps",
    "wave_change",
    "factor_scores",
    "success_factors",
    "likert_counts",
    "open_answers",
]
