"""Disclosure control: no group below ``min_n``, and no hidden group recoverable by arithmetic.

A group mean shown with its ``n`` is a group *sum*; sums add up. Hiding a
partner school with one respondent protects nobody when the leerlab and the
other partner are shown: leerlab − other partner = that respondent. So hiding
is decided on the structure of everything a report can show, per wave and per
measure (a condition, a statement, a success factor, or the respondent count):

* **atoms** are the finest cells, one per (leerlab, partner, sector, level)
  observed in the wave (a missing value is a cell of its own);
* a **group** shown by an output is a set of atoms (a leerlab, a partner, a
  node of het 8-tje, the whole wave, ...), one per declared grouping;
* **primary suppression** hides every group with ``0 < n < min_n``;
* **secondary suppression** then hides more groups, smallest first, until no
  union of atoms with ``0 < n < min_n`` is a linear combination of the groups
  still shown (checked exactly, on the null space of the shown groups). What a
  reader can compute from shown means and counts (sums, differences, any mix)
  is then never the sum over fewer than ``min_n`` respondents.

:func:`protect` computes this once for a Survey; every group statistic in
:mod:`analyse.stats` and every figure made from a protected Survey blanks the
hidden groups (estimates and ``n``) and says so in ``note``. A statistic that
pools waves shows a group only when it is shown in every wave it pools.

Groupings other than the declared ones cannot be checked against the rest, so
their rows are hidden; declare them in ``protect(..., groupings=)``.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from math import comb

import numpy as np
import pandas as pd
from scipy.linalg import null_space

from .survey import Survey
from .texts import text

__all__ = ["GROUPINGS", "Disclosure", "protect", "protected", "protected_at"]

#: Groupings a report shows (besides the wave): the whole wave, leerlab,
#: level, partner, leerlab x level and the nodes of het 8-tje. Partner names
#: are unique, so ``{leerlab, partner}`` is the partner grouping again.
GROUPINGS: tuple[frozenset[str], ...] = tuple(frozenset(g) for g in (
    (), ("leerlab",), ("level",), ("partner",), ("leerlab", "partner"), ("leerlab", "level"),
    ("partner", "level"), ("leerlab", "partner", "level"), ("partner", "sector"),
    ("leerlab", "partner", "sector"), ("leerlab", "partner", "sector", "level"), ("leerlab", "sector"),
    ("leerlab", "sector", "level"),
    ("partner", "sector", "level"),
))
CELLS = ["leerlab", "partner", "sector", "level"]
RESPONDENTS = "respondents"  # the measure of a plain count of respondents
# Columns kept on a hidden row: they describe the row, not the respondents in it.
_KEEP = {"k", "pitfall_number", "side", "wave_from", "wave_to"}
_TOL = 1e-9
_MAX_UNIONS = 250_000  # unions of small cells tried per size before falling back to within-leerlab unions
# Plans already worked out in this process, by their exact inputs: a kernel that runs several notebooks
# protects the same data in each, and the search below is what protecting costs.
_SUPPRESSED: dict[bytes, np.ndarray] = {}
_SUPPRESSED_MAX = 1024


@dataclass(frozen=True)
class Disclosure:
    """What a protected Survey may show. Made by :func:`protect`.

    ``hidden[(wave, measure)]`` is the set of ``(grouping, key)`` to hide,
    with ``grouping`` a frozenset of column names and ``key`` the tuple of
    their values (as text) in sorted column order. ``scope`` fixes columns a
    restricted Survey keeps one value of (see :meth:`restrict`).
    """

    min_n: int
    hidden: dict = field(repr=False)
    waves: tuple[str, ...]
    groupings: tuple[frozenset[str], ...]
    scope: tuple = ()

    def restrict(self, **equal) -> Disclosure:
        """The plan for a Survey restricted to rows where each column equals the value (a list: several)."""
        scope = dict(self.scope)
        for col, value in equal.items():
            if value is None:
                continue
            values = [value] if isinstance(value, str) else list(value)
            scope[col] = tuple(str(v) for v in values)
        return replace(self, scope=tuple(sorted(scope.items())))

    def is_hidden(self, wave: str | None, measure: str, row: dict) -> bool:
        """Whether the group ``row`` (column -> value) is hidden for ``measure`` (in every wave when pooled)."""
        keyed = dict(row)
        for col, values in self.scope:
            if col == "wave" or col in keyed:
                continue
            if len(values) > 1:
                return True  # a union over several chosen values: not a declared group
            keyed[col] = values[0]
        grouping = frozenset(c for c in keyed if c in CELLS)
        if grouping not in self.groupings:
            return True
        key = tuple(str(keyed[c]) for c in sorted(grouping))
        waves = [wave] if wave is not None else list(dict(self.scope).get("wave") or self.waves)
        # A measure the plan does not know (a frame without one) gets the union over all measures.
        return any((grouping, key) in self.hidden.get((str(w), measure), self.hidden.get((str(w), "*"), ()))
                   for w in waves)

    def apply(self, frame: pd.DataFrame, *, sides: str | None = None) -> pd.DataFrame:
        """``frame`` with the hidden groups' numbers blanked and a note added.

        ``sides``: a column whose values each row compares, given in the
        row's ``a`` and ``b`` columns (both groups must be shown).
        """
        if frame.empty:
            return frame
        records = _records(frame)
        mask = np.fromiter((self._row_hidden(r, sides) for r in records), dtype=bool, count=len(frame))
        if not mask.any():
            return frame
        out = frame.copy()
        for col in out.columns:
            if col in _KEEP or col in _KEY_COLUMNS or col == "note":
                continue
            s = out[col]
            if pd.api.types.is_bool_dtype(s):
                out[col] = s.astype(object).where(~mask, pd.NA)
            elif col in ("verdict", "flag"):  # a judgement on hidden numbers: as if none was made
                out[col] = s.where(~mask, "")
            elif pd.api.types.is_numeric_dtype(s):
                out[col] = s.astype(float).where(~mask, np.nan)
        note = text("note.hidden", "en", min_n=self.min_n)
        if "note" in out:
            old = out["note"].fillna("").astype(str)
            out["note"] = np.where(mask, np.where(old == "", note, old + "; " + note), old)
        else:
            out["note"] = np.where(mask, note, "")
        return out

    def _row_hidden(self, r: dict, sides: str | None = None) -> bool:
        measures = _measures(r)
        if "wave_from" in r:  # a change between two waves
            return self._change_hidden(r, measures)
        wave = None if "wave" not in r else str(r["wave"])
        base = {c: r[c] for c in CELLS if c in r and _present(r[c])}
        if sides is not None:
            groups = [{**base, sides: r[s]} for s in ("a", "b") if _present(r.get(s))]
        else:
            groups = [{**base, **{c: r[f"{c}_{s}"] for c in CELLS if f"{c}_{s}" in r}} for s in ("a", "b")]
        return any(self.is_hidden(wave, m, g) for g in [base, *groups] for m in measures)

    def _change_hidden(self, r: dict, measures: list[str]) -> bool:
        base = {c: r[c] for c in CELLS if c in r and _present(r[c])}
        if any(self.is_hidden(str(r[w]), m, base) for w in ("wave_from", "wave_to") for m in measures):
            return True
        if r.get("design") != "paired":
            return False
        # The paired means with the whole waves' means give the unpaired respondents' sum.
        paired = r.get("n_paired", 0)
        rest = [r.get("n_from", 0) - paired, r.get("n_to", 0) - paired]
        return any(0 < k < self.min_n for k in rest if pd.notna(k))


_KEY_COLUMNS = {"wave", *CELLS, "a", "b", *(f"{c}_{s}" for c in CELLS for s in "ab"), "condition", "item",
                "success_factor", "factor_nl", "factor_en", "pitfall_nl", "pitfall_en", "kind", "design",
                "effect_type", "np_test", "missing"}


def _records(frame: pd.DataFrame) -> Iterable[dict]:
    cols = [c for c in frame.columns if c in _KEY_COLUMNS or c in ("n_from", "n_to", "n_paired")]
    return frame[cols].to_dict("records")


def _present(v) -> bool:
    return not (v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)))


def _measures(r: dict) -> list[str]:
    """The measures a row's numbers rest on: its statement or success factor, and its condition
    (a success-factor row also shows the condition mean)."""
    found = [str(r[c]) for c in ("item", "success_factor", "condition") if c in r and _present(r[c])]
    return found or [RESPONDENTS]


def protected(fn):
    """Apply the Survey's disclosure plan (if it has one) to what a group statistic returns.

    A result whose ``attrs["between"]`` names a column compares, on each row,
    the groups whose value of that column is in its ``a`` and ``b`` columns.
    """
    @functools.wraps(fn)
    def wrapper(data, *args, **kwargs):
        out = fn(data, *args, **kwargs)
        plan = getattr(data, "disclosure", None)
        if plan is None:
            return out
        return plan.apply(out, sides=out.attrs.get("between"))
    return wrapper


# ------------------------------------------------------------------ the plan
def protect(survey: Survey, min_n: int = 5, *, groupings: Iterable[Iterable[str]] = GROUPINGS) -> Survey:
    """A copy of ``survey`` whose statistics and figures respect ``min_n`` under arithmetic.

    Parameters
    ----------
    survey : Survey
    min_n : int
        Smallest number of respondents any shown number may rest on.
    groupings : list of list of str
        The groupings (besides the wave) outputs will show, as sets of
        ``leerlab``, ``partner``, ``sector``, ``level``; rows of any other
        grouping are hidden.

    Returns
    -------
    Survey
        The same data with :attr:`Survey.disclosure` set. Statistics on it
        blank the numbers of hidden groups (NaN, ``n`` included) and note
        ``hidden: disclosure control``.

    Examples
    --------
    >>> import analyse as an
    >>> safe = an.protect(an.load("data/sample"), min_n=5)  # doctest: +SKIP
    >>> an.condition_means(safe, by=["wave", "leerlab", "partner"])  # doctest: +SKIP
    """
    from .stats import factor_scores
    from .stats.scores import score_matrix

    groupings = tuple(dict.fromkeys(frozenset(g) for g in groupings))
    r = survey.responses
    atoms = r.groupby(["wave", *CELLS], observed=True, dropna=False, sort=True)
    atom_of = atoms.ngroup().to_numpy()
    cells = atoms.size().reset_index()[["wave", *CELLS]]
    measures = {RESPONDENTS: np.ones(len(r), dtype=bool)}
    measures.update({i: r[i].notna().to_numpy() for i in survey.codebook.item_codes})
    scores, _, conds = score_matrix(survey)
    measures.update({c: ~np.isnan(scores[:, j]) for j, c in enumerate(conds)})
    # factor_scores stacks one block of respondents (in row order) per success factor.
    factors = factor_scores(survey)
    k = len(factors) // max(len(r), 1)
    factor_score = factors["score"].to_numpy().reshape(k, len(r))
    names = factors["success_factor"].astype(str).to_numpy()[:: max(len(r), 1)][:k]
    measures.update({f: ~np.isnan(factor_score[k]) for k, f in enumerate(names)})
    counts = np.stack([np.bincount(atom_of, weights=m, minlength=len(cells)) for m in measures.values()], axis=1)
    members, keys = _membership(cells, groupings)
    hidden: dict = {}
    waves = tuple(str(w) for w in r["wave"].cat.categories if (r["wave"] == w).any())
    for w in waves:
        in_wave = (cells["wave"].astype(str) == w).to_numpy()
        m = members[:, in_wave]
        rows = np.flatnonzero(m.any(axis=1))
        block = pd.factorize(cells.loc[in_wave, "leerlab"].astype(str))[0]
        memo: dict[bytes, frozenset] = {}
        for j, name in enumerate(measures):
            c = counts[in_wave, j]
            if c.tobytes() not in memo:
                hide = _suppress(m[rows], c, min_n, block)
                memo[c.tobytes()] = frozenset(keys[g] for g in rows[hide])
            hidden[(w, name)] = memo[c.tobytes()]
        hidden[(w, "*")] = frozenset().union(*(hidden[(w, name)] for name in measures))
    plan = Disclosure(min_n=min_n, hidden=hidden, waves=waves, groupings=groupings)
    return Survey(r, codebook=survey.codebook, comments=survey.comments, excluded=survey.excluded,
                  report=survey._report, disclosure=plan)


def protected_at(survey: Survey, min_n: int) -> Survey:
    """``survey`` if it is already protected at ``min_n`` (or stricter), else :func:`protect` of it."""
    plan = survey.disclosure
    return survey if plan is not None and plan.min_n >= min_n else protect(survey, min_n)


def _membership(cells: pd.DataFrame, groupings) -> tuple[np.ndarray, list]:
    """Group x cell membership for every declared grouping (within each wave), and each group's (grouping, key)."""
    rows, keys = [], []
    for grouping in groupings:
        cols = sorted(grouping)
        code = cells.groupby(["wave", *cols], observed=True, dropna=True, sort=False).ngroup().to_numpy()
        code = np.where(np.isnan(code.astype(float)), -1, code).astype(int)
        found, first = np.unique(code[code >= 0], return_index=True)
        first = np.flatnonzero(code >= 0)[first]
        rows.append(code[None, :] == found[:, None])
        keys += [(grouping, tuple(str(cells[c].iat[i]) for c in cols)) for i in first]
    return np.concatenate(rows, axis=0), keys


def _suppress(members: np.ndarray, counts: np.ndarray, min_n: int, block: np.ndarray) -> np.ndarray:
    """Which groups to hide (bool per row of ``members``) so no union of cells below ``min_n`` is derivable."""
    digest = hashlib.blake2b(repr((members.shape, counts.dtype, block.dtype, min_n)).encode())
    for part in (members, counts, block):
        digest.update(np.ascontiguousarray(part).data)
    key = digest.digest()
    if key not in _SUPPRESSED:
        if len(_SUPPRESSED) >= _SUPPRESSED_MAX:
            _SUPPRESSED.clear()
        _SUPPRESSED[key] = _search(members, counts, min_n, block)
    return _SUPPRESSED[key].copy()


def _search(members: np.ndarray, counts: np.ndarray, min_n: int, block: np.ndarray) -> np.ndarray:
    live = counts > 0
    members, counts, block = members[:, live], counts[live], block[live]
    unique, inverse = np.unique(members, axis=0, return_inverse=True)
    n = unique.astype(float) @ counts
    hidden = (n > 0) & (n < min_n)
    shown = lambda: np.flatnonzero(~hidden & (n > 0))
    while (found := _derivable(unique[shown()], counts, min_n, block)) is not None:
        idx = shown()
        hidden[idx[_to_hide(unique[idx].astype(float), n[idx], found)]] = True
    return hidden[inverse.reshape(-1)]


def _derivable(shown: np.ndarray, counts: np.ndarray, min_n: int, block: np.ndarray) -> np.ndarray | None:
    """A union of cells with ``0 < n < min_n`` whose sum the shown groups determine, or None."""
    small = np.flatnonzero(counts < min_n)
    if small.size == 0:
        return None
    basis = null_space(shown.astype(float)) if len(shown) else np.eye(len(counts))
    if basis.shape[1] == 0:
        return np.isin(np.arange(len(counts)), small[:1])
    residue = basis[small]  # a union is determined iff its rows of the null-space basis sum to zero
    for size in range(1, min_n):
        combos = _unions(small, counts, size, min_n, block)
        if combos is None:
            continue
        pos = np.searchsorted(small, combos)
        total = residue[pos].sum(axis=1)
        hit = np.flatnonzero(np.abs(total).max(axis=1) < _TOL)
        if hit.size:
            return np.isin(np.arange(len(counts)), combos[hit[0]])
    return None


def _unions(small: np.ndarray, counts: np.ndarray, size: int, min_n: int, block: np.ndarray) -> np.ndarray | None:
    """Index tuples of ``size`` small cells whose respondents number below ``min_n``."""
    def within(cells):
        combos = np.array(list(itertools.combinations(cells, size)), dtype=int).reshape(-1, size)
        return combos[counts[combos].sum(axis=1) < min_n]
    if comb(len(small), size) <= _MAX_UNIONS:
        found = within(small)
    else:  # too many to try all: unions within one leerlab, where differencing bites
        parts = [within(small[block[small] == b]) for b in np.unique(block[small])]
        found = np.concatenate(parts) if parts else np.empty((0, size), dtype=int)
    return found if len(found) else None


def _to_hide(shown: np.ndarray, n: np.ndarray, target: np.ndarray) -> int:
    """The shown group to hide so ``target`` gets harder to derive: the smallest one it cannot do without.

    A group is indispensable when its coefficient is the same in every way of
    writing ``target`` from the shown groups (it takes part in no linear
    dependency among them) and not zero. Among equals the finest goes first.
    """
    coef, *_ = np.linalg.lstsq(shown.T, target.astype(float), rcond=None)
    used = np.abs(coef) > _TOL
    dependencies = null_space(shown.T)
    free = np.abs(dependencies).max(axis=1, initial=0.0) < _TOL
    candidates = np.flatnonzero(used & free)
    if candidates.size == 0:  # every way round uses other groups: hide a group used in one, and look again
        candidates = np.flatnonzero(used)
    return int(candidates[np.lexsort((shown[candidates].sum(axis=1), n[candidates]))[0]])
