"""Statistics on a Survey: scores, reliability, agreement, level gaps, wave change.

Every function takes a :class:`~analyse.Survey` (or a canonical responses
frame plus ``codebook=``) and returns a tidy DataFrame, one row per group x
condition (or item / gap / factor). Groups below ``min_n`` respondents
(default :data:`analyse.stats._common.MIN_GROUP_SIZE`) get NaN estimates and
a ``note``.
"""

from ._common import MIN_GROUP_SIZE
from .agreement import ad, agreement, gap, icc, krippendorff, rwg
from .levels import level_gaps, level_nodes
from .reliability import item_statistics, reliability
from .scores import condition_means, condition_scores
from .success import factor_scores, success_factors
from .waves import wave_change

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
    "agreement",
    "level_nodes",
    "level_gaps",
    "wave_change",
    "factor_scores",
    "success_factors",
]
