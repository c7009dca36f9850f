"""Parameter text written once: every public function documents a shared parameter with the same words.

A docstring line holding only ``{name}`` (indented as a parameter entry) is
replaced by the entry below; other braces (LaTeX, sets of options) are left
alone. The names and meanings are the API vocabulary of the README.
"""

from __future__ import annotations

import re
import textwrap

__all__ = ["PARAMS", "doc"]

PARAMS: dict[str, str] = {
    "data": """data : Survey or DataFrame
    A :class:`~analyse.Survey`, or a tidy frame with one row per respondent:
    its scales given in ``scales=``, any other column usable in ``by=`` and
    ``between=``.""",
    "by": """by : str or list of str, optional
    Strata: the statistic is computed within each combination of these
    columns (names, any capitalisation or a codebook alias such as
    ``"niveau"`` or ``"school"``). When the data hold more than one wave,
    ``wave`` is added unless ``pool_waves=True``.""",
    "between": """between : str
    The compared factor: the column whose groups are compared (or whose
    membership is studied) within each stratum.""",
    "a_b": """a, b : value, optional
    Two values of ``between`` to compare (``diff = mean_a - mean_b``), written
    as in the data, in any capitalisation or as a codebook synonym. Without
    them every pair of values is compared, Holm-adjusted over the pairs.""",
    "scales": """scales : dict of str to list of str, optional
    Scale name -> its item columns, for a frame of your own (a scale may be
    one column). Default: the codebook's conditions. Results call the scale
    ``condition``.""",
    "conditions": """conditions : str or list of str, optional
    Only these scales (conditions); ``"all"`` is every item as one scale.""",
    "confidence": """confidence : float
    Level of every interval (default 0.95).""",
    "min_items": """min_items : int, optional
    Items a respondent must have answered for a scale score; default more
    than half of the scale's items (see :func:`~analyse.condition_scores`).""",
    "min_n": """min_n : int
    Groups with fewer respondents (complete cases where the statistic needs
    them) get NaN estimates and a ``note`` (default 5). On a Survey made by
    :func:`analyse.protect`, hidden groups are blanked too.""",
    "n_options": """n_options : int, optional
    A, the number of answer options; default from the codebook (5). Needed
    for a frame of your own.""",
    "pool_waves": """pool_waves : bool
    Pool the waves instead of keeping ``wave`` among the strata; the result
    then notes how many respondents answered in more than one wave (and
    count once per wave).""",
    "codebook": """codebook : Codebook or path, optional
    Questionnaire definition for a frame (a Survey brings its own).""",
    "metric": """metric : {"ordinal", "interval", "nominal", "ratio"}
    Krippendorff's difference function.""",
    "null": """null : {"uniform", "slight", "moderate"}
    The null of random answering agreement is measured against: every
    option alike (default), or slightly or moderately skewed towards one
    end (LeBreton & Senter 2008; expected variances 1.34 and 0.90 on a
    5-point scale).""",
    "lang": """lang : {"nl", "en"}
    Language of every label (Dutch by default).""",
    "hue": """hue : str, optional
    The grouping drawn: one colour, bar or row per group (a column name or
    alias, as ``by=``).""",
    "ax": """ax : matplotlib Axes, optional
    Draw on this Axes; a new figure otherwise.""",
    "wave": """wave : "last", None or a wave
    The wave shown (default the latest, so nobody is counted twice); None
    pools all waves.""",
    "plot_min_n": """min_n : int
    Groups with fewer respondents are not drawn and read "n < min_n" (with
    the actual value); on a protected Survey its plan applies too.""",
}

_FIELD = re.compile(r"^(?P<indent>[ \t]*)\{(?P<name>\w+)\}[ \t]*$", re.MULTILINE)


def doc(fn):
    """Fill the ``{name}`` lines of ``fn``'s docstring from :data:`PARAMS`."""
    def entry(m: re.Match) -> str:
        name = m.group("name")
        if name not in PARAMS:
            return m.group(0)
        return textwrap.indent(PARAMS[name], m.group("indent"))
    if fn.__doc__:
        fn.__doc__ = _FIELD.sub(entry, fn.__doc__)
    return fn
