"""The open answers ("Onderbouw en licht toe") per stratum and condition, with small groups left out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._docstrings import doc
from ..cells import comment_text
from ..codebook import Codebook, load_codebook, normalise
from ..errors import AnalyseError
from ..survey import Survey
from ._common import MIN_GROUP_SIZE, add_note, group_codes, note
from ._input import Data, as_data

__all__ = ["open_answers"]

#: The columns open_answers writes besides the strata: a stratum of one of these names is refused.
WRITTEN = ("condition", "n_respondents", "n_answers", "text", "note")


@doc
def open_answers(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = "leerlab", *,
                 conditions: str | Sequence[str] | None = None, min_n: int = MIN_GROUP_SIZE,
                 pool_waves: bool = False, codebook: Codebook | None = None) -> pd.DataFrame:
    """The open answers of each condition, listed per stratum: one row per answer.

    Every condition of the questionnaire asks "Onderbouw en licht toe"; this
    lists those answers within each group of ``by``, without saying who gave
    them. A blank answer (or one of only spaces) is no answer. E-mail
    addresses, phone numbers and IP addresses in the text are replaced by a
    placeholder (as :func:`analyse.load` does), also in a Survey built from
    a frame of your own.

    Parameters
    ----------
    {data}
        Here: a Survey (its ``comments`` hold the answers), or a frame in the
        canonical layout with ``comment_<condition>`` columns
        (:meth:`Survey.canonical`).
    {by}
        Default ``"leerlab"``.
    {conditions}
        Here ``"all"`` lists the answers of every condition together.
    {min_n}
        Here: a group with fewer respondents shows none of its answers (its
        answers could be attributed), only one row per condition with
        ``text`` NaN; ``n_answers`` is NaN too.
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition``, ``n_respondents`` (respondents of the
        group, in its wave), ``n_answers`` (open answers of the group to the
        condition), ``text`` (one row per answer) and ``note``. Rows are
        sorted by the strata, the conditions in questionnaire order, then the
        text. A group and condition without answers to show keeps one row with
        ``text`` NaN, and ``note`` says why ("fewer than 5 respondents: not
        shown", "no open answers", or hidden by :func:`analyse.protect`).
        No column identifies a respondent.

    Examples
    --------
    >>> import analyse as an
    >>> survey = an.sample.generate()
    >>> answers = an.open_answers(survey, by="leerlab", conditions="ambitie")
    >>> answers.columns.tolist()
    ['wave', 'leerlab', 'condition', 'n_respondents', 'n_answers', 'text', 'note']
    >>> first = answers.groupby(["wave", "leerlab"], observed=True).first()
    >>> bool((first["n_answers"] == answers.groupby(["wave", "leerlab"], observed=True)["text"].count()).all())
    True
    >>> small = an.open_answers(survey, by="partner", min_n=100)
    >>> bool(small["text"].isna().all()), small["note"].iloc[0]
    (True, 'fewer than 100 respondents: not shown')
    """
    survey = _survey(data, codebook)
    d = as_data(survey)
    by = d.strata(by, pool_waves=pool_waves)
    clash = [c for c in by if c in WRITTEN]
    if clash:
        raise AnalyseError(f"column {clash[0]!r} has the name of a column open_answers writes; rename it first, "
                           f"e.g. data.rename(columns={{{clash[0]!r}: '{clash[0]}_group'}})")
    dtype = d.condition_dtype(d.pick(conditions))
    picked = set(d.pick(conditions))
    conds = [c for c in dtype.categories if c in picked]  # questionnaire order ("all" last)
    J = len(conds)

    # Respondents: a group code per row of responses, and the size of every group.
    r = d.frame
    codes, keys = group_codes(r, by)
    G = len(keys)
    n_resp = np.bincount(codes[codes >= 0], minlength=G)[:G]

    # Answers: each joined to its respondent's row (respondent and wave), cleaned per distinct text.
    group, cond, text = _answers(survey, r, codes, conds)
    cell = group * J + cond  # the answer's (group, condition)
    n_ans = np.bincount(cell, minlength=G * J)[: G * J]

    # One row per group and condition: the counts, and whether its answers may be shown.
    table = keys.iloc[np.repeat(np.arange(G), J)].reset_index(drop=True)
    table["condition"] = pd.Categorical(np.tile(conds, G), dtype=dtype)
    table["n_respondents"] = np.repeat(n_resp, J).astype(np.int64)
    small = table["n_respondents"].to_numpy() < min_n
    hidden = _hidden(survey, table, by)
    shown = ~small & ~hidden
    table["n_answers"] = np.where(shown, n_ans, np.nan)
    table["note"] = np.where(hidden, note("hidden", min_n=getattr(survey.disclosure, "min_n", min_n)),
                             np.where(small, note("not_shown", min_n=min_n),
                                      np.where(n_ans == 0, note("no_answers"), ""))).astype(object)
    if hidden.any():
        table["n_respondents"] = table["n_respondents"].astype(float).where(~hidden, np.nan)

    # The rows: every answer of a shown cell, and one empty row for each cell without an answer to show.
    keep = shown[cell]
    empty = np.flatnonzero(~shown | (n_ans == 0))
    row_cell = np.concatenate([cell[keep], empty])
    row_text = np.concatenate([text[keep], np.full(len(empty), np.nan, dtype=object)])
    rank = pd.factorize(row_text, sort=True)[0]  # NaN (no text) first, as -1
    order = np.lexsort((rank, row_cell))
    out = table.iloc[row_cell[order]].reset_index(drop=True)
    out.insert(out.columns.get_loc("note"), "text", row_text[order])
    out = out[[*by, "condition", "n_respondents", "n_answers", "text", "note"]]
    return add_note(out, d.pooled_note(by, pool_waves))


def _survey(data, codebook) -> Survey:
    """The Survey whose comments are listed: given, or made from a canonical frame with comment columns."""
    if isinstance(data, Survey):
        return data
    if isinstance(data, Data) and data.survey is not None:
        return data.survey
    if isinstance(data, pd.DataFrame):
        cb = load_codebook(codebook)
        columns = [f"comment_{c}" for c in cb.condition_codes if f"comment_{c}" in data.columns]
        if not columns:
            raise AnalyseError("open answers need an analyse.Survey (an.load(...) keeps them in survey.comments); "
                               "this frame has none (no comment_<condition> columns)")
        missing = [c for c in ("respondent_id", "wave") if c not in data.columns]
        if missing:
            raise AnalyseError(f"the frame lacks column {missing[0]!r}, needed to join its open answers to "
                               "its respondents; pass an analyse.Survey")
        comments = data.melt(id_vars=["respondent_id", "wave"], value_vars=columns, var_name="condition",
                             value_name="text")
        comments["condition"] = comments["condition"].str.removeprefix("comment_")
        return Survey(data, codebook=cb, comments=comments)
    raise AnalyseError(f"open answers need an analyse.Survey, not a {type(data).__name__}")


def _answers(survey: Survey, r: pd.DataFrame, codes: np.ndarray, conds: list[str]):
    """Group code, condition index (into ``conds``) and cleaned text of every answer that counts."""
    c = survey.comments
    if not len(c):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    keys = pd.MultiIndex.from_arrays([r["respondent_id"].astype(str).to_numpy(), r["wave"].astype(str).to_numpy()])
    first = ~keys.duplicated()  # a respondent twice in one wave (a frame of one's own): the first row
    row = keys[first].get_indexer(pd.MultiIndex.from_arrays([c["respondent_id"].astype(str).to_numpy(),
                                                            c["wave"].astype(str).to_numpy()]))
    group = np.where(row >= 0, codes[np.flatnonzero(first)][row], -1)
    # The condition as the codebook codes it (a frame may name it "Ambitie"), per distinct value.
    names = survey.codebook.condition_names
    found, uniques = pd.factorize(c["condition"], use_na_sentinel=True)
    code = np.array([names.get(normalise(u), "") for u in uniques] + [""], dtype=object)[found]
    # The text: stripped, blank -> NA, addresses and phone numbers replaced; per distinct value.
    found, uniques = pd.factorize(c["text"], use_na_sentinel=True)
    cleaned = [*map(comment_text, uniques), pd.NA]
    text = np.array(cleaned, dtype=object)[found]
    answered = (group >= 0) & np.array([t is not pd.NA for t in cleaned], dtype=bool)[found]
    parts = [np.flatnonzero(answered & ((code == name) | (name == "all"))) for name in conds]
    idx = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    cond = np.repeat(np.arange(len(conds)), [len(p) for p in parts])
    return group[idx].astype(np.int64), cond.astype(np.int64), text[idx].astype(object)


def _hidden(survey: Survey, table: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Rows of ``table`` (group x condition) a protected Survey hides, for the condition or the respondent count."""
    plan = survey.disclosure
    if plan is None or table.empty:
        return np.zeros(len(table), dtype=bool)
    per_condition = plan.apply(table[[*by, "condition", "n_respondents"]])
    hidden = per_condition["n_respondents"].isna().to_numpy()
    counts = plan.apply(table[[*by, "n_respondents"]])  # the group's size as a measure of its own
    return hidden | counts["n_respondents"].isna().to_numpy()
