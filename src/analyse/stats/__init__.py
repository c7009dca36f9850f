"""Statistics on a Survey: scores, reliability, agreement, level gaps, wave change.

Every function takes a :class:`~analyse.Survey`, or any tidy DataFrame with
``scales=`` (see :mod:`analyse.stats._input`), and returns a tidy DataFrame,
one row per stratum x condition (or item / gap / factor). Groups below ``min_n`` respondents
(default :data:`analyse.stats._common.MIN_GROUP_SIZE`) get NaN estimates and
a ``note``. On a Survey made by :func:`analyse.protect`, the group statistics
also blank the groups its disclosure plan hides.
"""

from .._lazy import lazy

#: Public name -> the module that defines it. Each is imported on first use: the statistics import scipy,
#: which ``import analyse`` and loading a survey do not need.
_NAMES: dict[str, str] = {
    "MIN_GROUP_SIZE": "._common",
    "condition_scores": ".scores",
    "condition_means": ".scores",
    "reliability": ".reliability",
    "item_statistics": ".reliability",
    "rwg": ".agreement",
    "ad": ".agreement",
    "awg": ".agreement",
    "agreement_null": ".chance",
    "icc": ".agreement",
    "krippendorff": ".krippendorff",
    "gap": ".agreement",
    "mixed_gap": ".mixed",
    "agreement": ".agreement",
    "level_nodes": ".levels",
    "level_gaps": ".levels",
    "wave_change": ".waves",
    "factor_scores": ".success",
    "success_factors": ".success",
    "likert_counts": ".counts",
    "open_answers": ".open_answers",
}

#: Exported as defined; every other statistic is wrapped by :func:`analyse.disclosure.protected`.
#: agreement_null takes group sizes in, no respondents: nothing to protect.
_UNPROTECTED = {"MIN_GROUP_SIZE", "condition_scores", "factor_scores", "open_answers", "agreement_null"}


def _protect(name: str, value):
    if name in _UNPROTECTED:
        return value
    from ..disclosure import protected

    return protected(value)


__all__: list[str] = list(_NAMES)
__getattr__, __dir__ = lazy(__name__, _NAMES, wrap=_protect)
