"""Internal consistency per group and condition: Cronbach's alpha, omega, item statistics."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as st

from .._docstrings import doc
from ..codebook import Codebook
from ..survey import Survey
from ._common import (
    MIN_GROUP_SIZE,
    add_note,
    group_codes,
    join_notes,
    note,
    note_small,
    per_distinct,
    quiet,
    stack_conditions,
)
from ._input import Data, as_data

__all__ = ["item_statistics", "reliability"]


def group_cov(x: np.ndarray, codes: np.ndarray, n_groups: int, missing: str = "listwise"):
    """Covariance matrices (ddof=1) of the columns of ``x`` for every group at once.

    Returns ``cov`` (G, k, k), ``npair`` (G, k, k) observations behind each
    entry, ``n`` (G,) respondents used and ``mean`` (G, k).
    ``missing="listwise"`` drops rows with any NaN; ``"pairwise"`` uses, for
    each pair of items, the rows that answered both (pandas' ``DataFrame.cov``).

    .. math:: c_{ij} = \\frac{S_{ij} - S_{i|j} S_{j|i} / n_{ij}}{n_{ij}-1}

    with :math:`S_{ij}=\\sum x_i x_j` and :math:`S_{i|j}=\\sum x_i` over the
    rows where both are observed, after centring each column on its mean
    within the group, so that the difference loses no digits. An item whose
    variance in a group is below :math:`(10^{-12}\\max(1, |\\bar x|))^2` (what
    rounding leaves of a constant item) is constant: its variance and
    covariances are 0 exactly.
    """
    if missing not in ("listwise", "pairwise"):
        raise ValueError("missing must be 'listwise' or 'pairwise'")
    x = np.asarray(x, dtype=float)
    k = x.shape[1]
    keep = np.asarray(codes) >= 0
    if missing == "listwise":
        keep &= ~np.isnan(x).any(axis=1)
    rows = np.flatnonzero(keep)
    codes = np.asarray(codes)[rows]
    cols = np.take(x.T, rows, axis=1)  # item by item, each contiguous
    seen = ~np.isnan(cols)

    def per_group(w):
        return np.bincount(codes, weights=w, minlength=n_groups)

    # Item by item and pair by pair, one weighted count over the rows each: the products of all
    # pairs at once would be k*k times the data in memory.
    n = per_group(np.ones(len(codes)) if missing == "listwise" else seen.any(axis=0))
    with quiet():
        centre = np.stack([per_group(np.where(o, v, 0.0)) / per_group(o) for v, o in zip(cols, seen)], axis=1)
    centre = np.where(np.isnan(centre), 0.0, centre)
    z = np.where(seen, cols - centre.T[:, codes], 0.0)
    npair, sxy, sx = (np.empty((n_groups, k, k)) for _ in range(3))
    for i in range(k):
        for j in range(i, k):
            sxy[:, i, j] = sxy[:, j, i] = per_group(z[i] * z[j])
            npair[:, i, j] = npair[:, j, i] = n if missing == "listwise" else per_group(seen[i] & seen[j])
        if missing == "listwise":  # every row kept answered every item
            sx[:, i, :] = per_group(z[i])[:, None]
        else:
            for j in range(k):  # sum of x_i where j is observed too
                sx[:, i, j] = per_group(z[i] * seen[j])
    with quiet():
        cov = (sxy - sx * np.swapaxes(sx, 1, 2) / npair) / (npair - 1)
        mean = np.diagonal(sx, axis1=1, axis2=2) / np.diagonal(npair, axis1=1, axis2=2) + centre
        constant = np.diagonal(cov, axis1=1, axis2=2) <= (1e-12 * np.maximum(1.0, np.abs(centre))) ** 2
    cov[constant[:, :, None] | constant[:, None, :]] = 0.0
    cov[npair < 2] = np.nan
    return cov, npair, n, mean.reshape(n_groups, k)


def flat(total: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """Whether the variance ``total`` of a sum is zero: at most 1e-12 of the sum ``parts`` of its items' variances.

    Items that vary can add up to a constant (one item the mirror image of
    another); their covariances then cancel the variances up to rounding,
    which would divide by a number like 1e-16 instead of 0.
    """
    with quiet():
        return total <= 1e-12 * parts


def alpha_from_cov(cov: np.ndarray) -> np.ndarray:
    """Cronbach's alpha from covariance matrices (..., k, k); NaN where the total has no variance (:func:`flat`)."""
    k = cov.shape[-1]
    with quiet():
        tr = np.trace(cov, axis1=-2, axis2=-1)
        tot = cov.sum(axis=(-2, -1))
        return np.where(flat(tot, tr), np.nan, k / (k - 1) * (1 - tr / tot))


def feldt_ci(alpha: np.ndarray, n: np.ndarray, k: int, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Feldt (1965) confidence interval of alpha: F with (n-1, (n-1)(k-1)) df."""
    with quiet():
        df1 = n - 1
        a = 1 - confidence
        lo = 1 - (1 - alpha) * per_distinct(lambda d: st.f.isf(a / 2, d, d * (k - 1)), df1)
        hi = 1 - (1 - alpha) * per_distinct(lambda d: st.f.isf(1 - a / 2, d, d * (k - 1)), df1)
    return lo, hi


def omega_from_cov(cov: np.ndarray, max_iter: int = 1000, tol: float = 1e-13,
                   newton_after: int | None = 8) -> tuple[np.ndarray, np.ndarray]:
    """McDonald's omega (total) of a one-factor model fitted by iterated principal axes.

    Returns ``omega`` and a boolean ``heywood`` flag (a communality above 1).
    Groups whose correlation matrix is not finite or has a zero variance get NaN.
    ``newton_after`` steps of plain iteration are followed by Newton's method on
    the fixed point (see :func:`_newton_fixed_point`); None iterates plainly
    throughout (the reference path, and the one psych takes).
    """
    G, k, _ = cov.shape
    omega = np.full(G, np.nan)
    heywood = np.zeros(G, dtype=bool)
    with quiet():
        d = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
        r = cov / (d[:, :, None] * d[:, None, :])
    ok = np.isfinite(r).all(axis=(1, 2)) & (d > 0).all(axis=1) & (k >= 3)
    if not ok.any():
        return omega, heywood
    r = r[ok]
    lam, hey = _principal_axes(r, max_iter, tol, newton_after)
    s = np.abs(lam.sum(axis=1))
    om = s ** 2 / (s ** 2 + (1 - lam ** 2).sum(axis=1))
    omega[ok] = np.where(hey, np.nan, om)
    heywood[ok] = hey
    return omega, heywood


def _principal_axes(r: np.ndarray, max_iter: int, tol: float, newton_after: int | None):
    """One-factor loadings (G, k) and Heywood flags (G,) of correlation matrices (G, k, k), as psych::fa(fm="pa").

    Plain iteration (:func:`_pa_steps`) for ``newton_after`` steps; groups
    still moving then get Newton's method (:func:`_newton_fixed_point`), which
    lands in a few steps on the fixed point the iteration needs hundreds of
    steps to approach. A Newton solution counts only when it is a fixed point of
    the iteration (its loadings the top eigenvector of the reduced matrix) that
    lies ahead of it (the step from the last iterate points along the
    iteration's own last step); one with a communality above 1 is a Heywood
    case, which the iteration would reach. Groups without such a solution
    iterate on plainly as many steps again and try again, up to ``max_iter``
    steps in all.
    """
    steps = max_iter if newton_after is None else min(newton_after, max_iter)
    lam, hey, running, prev = _pa_steps(r, steps, tol)
    idx = np.nonzero(running)[0]
    while len(idx) and steps < max_iter:
        sol, fine = _newton_fixed_point(r[idx], lam[idx])
        ahead, step = sol - lam[idx], lam[idx] - prev[idx]
        with quiet():
            cos = (ahead * step).sum(axis=1) / (np.linalg.norm(ahead, axis=1) * np.linalg.norm(step, axis=1))
        fine &= ((cos > 0.9) | (np.abs(ahead).max(axis=1) < 1e-9)) & _is_fixed_point(r[idx], sol)
        lam[idx[fine]] = sol[fine]
        hey[idx[fine]] = (sol[fine] ** 2 > 1).any(axis=1)
        idx = idx[~fine]
        more = min(steps, max_iter - steps)  # the next try after twice as many steps
        lam[idx], hey[idx], running, prev[idx] = _pa_steps(r[idx], more, tol, start=lam[idx])
        idx, steps = idx[running], steps + more
    return lam, hey


def _pa_steps(r: np.ndarray, max_iter: int, tol: float, start: np.ndarray | None = None):
    """Iterated principal axes from squared multiple correlations (or from loadings ``start``).

    Each group iterates until its sum of communalities changes by at most
    ``tol`` or a communality exceeds 1 (Heywood case). All groups still
    iterating are fitted together; the top eigenpair of each step is found by
    power iteration from the previous step's eigenvector (:func:`_top_eigenpair`).
    Power iteration follows the eigenvector it starts on; where that is no
    longer the largest one at the end (eigenvalues crossed), those groups are
    fitted again with full :func:`numpy.linalg.eigh` at every step.

    Returns loadings, Heywood flags, which groups were still moving after
    ``max_iter`` steps, and the loadings of the step before the last.
    """
    lam, hey, running, prev, tracked = _pa_loop(r, max_iter, tol, start, warm=True)
    lost = ~_is_top(*tracked)
    if lost.any():
        lam[lost], hey[lost], running[lost], prev[lost], _ = _pa_loop(r[lost], max_iter, tol,
                                                                   None if start is None else start[lost], warm=False)
    return lam, hey, running, prev


def _pa_loop(r: np.ndarray, max_iter: int, tol: float, start: np.ndarray | None, warm: bool):
    G, k, _ = r.shape
    eye = np.eye(k, dtype=bool)
    if start is None:
        with quiet():
            h = 1 - 1 / np.diagonal(_inverse(r), axis1=1, axis2=2)  # squared multiple correlations
        vec = np.zeros_like(h)
        lam = np.zeros_like(h)
    else:
        h = start ** 2
        vec = start / np.linalg.norm(start, axis=1, keepdims=True)
        lam = start.copy()
    prev = lam.copy()
    comm = h.sum(axis=1)
    top = np.zeros(G)
    last = r.copy()
    hey = np.zeros(G, dtype=bool)
    idx = np.arange(G)  # groups still iterating; converged ones drop out
    for step in range(max_iter):
        rr = r[idx].copy()
        rr[:, eye] = h[idx]
        # Power iteration pays off on many groups; a few are cheaper by eigh than by its many small calls.
        w_i, v_i = _top_eigenpair(rr, vec[idx] if warm and (step or start is not None) and len(idx) > 256 else None)
        vec[idx], top[idx], last[idx] = v_i, w_i, rr
        lam_i = v_i * np.sqrt(np.clip(w_i, 0, None))[:, None]
        h_new = lam_i ** 2
        comm_new = h_new.sum(axis=1)
        hey_i = (h_new > 1).any(axis=1)  # Heywood case: stop, omega is not reported
        hey[idx[hey_i]] = True
        done = (np.abs(comm_new - comm[idx]) <= tol) | hey_i
        prev[idx] = lam[idx]
        h[idx], comm[idx], lam[idx] = h_new, comm_new, lam_i
        idx = idx[~done]
        if len(idx) == 0:
            break
    running = np.zeros(G, dtype=bool)
    running[idx] = True
    return lam, hey, running, prev, (last, top)


def _inverse(r: np.ndarray) -> np.ndarray:
    """Inverses of correlation matrices; the pseudo-inverse (as before) for those singular or nearly so.

    A correlation matrix's inverse has diagonal entries of at least 1; far
    above (1e10) or below that, or not finite, the matrix is (near) singular.
    """
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:  # an exactly singular matrix stops the batched call
        return np.linalg.pinv(r)
    d = np.diagonal(inv, axis1=1, axis2=2)
    bad = ~(np.isfinite(inv).all(axis=(1, 2)) & (d > 1 - 1e-9).all(axis=1) & (d < 1e10).all(axis=1))
    if bad.any():
        inv[bad] = np.linalg.pinv(r[bad])
    return inv


def _newton_fixed_point(r: np.ndarray, lam: np.ndarray, max_steps: int = 15, tol: float = 1e-15):
    """The fixed point of principal-axes iteration near ``lam``, by Newton's method; and whether it converged.

    A fixed point has loadings that are the top eigenvector of ``r`` with
    communalities on the diagonal, scaled by the root of its eigenvalue
    :math:`S=\\sum_j\\lambda_j^2`. Row ``i`` of that equation, with
    :math:`r_{ii}` left out, is

    .. math:: F_i(\\lambda) = \\sum_{j\\ne i} r_{ij}\\lambda_j - \\lambda_i (S - \\lambda_i^2) = 0,

    with Jacobian :math:`J_{ij} = r_{ij} - 2\\lambda_i\\lambda_j` (:math:`i\\ne j`),
    :math:`J_{ii} = \\lambda_i^2 - S`. The sign of the loadings follows ``lam``.
    """
    k = r.shape[1]
    diag = np.arange(k)
    r0 = r.copy()
    r0[:, diag, diag] = 0
    x = lam.copy()
    moved = np.full(len(x), np.inf)
    with quiet():
        for _ in range(max_steps):
            s = (x ** 2).sum(axis=1, keepdims=True)
            f = np.einsum("gij,gj->gi", r0, x) - x * (s - x ** 2)
            jac = r0 - 2 * x[:, :, None] * x[:, None, :]
            jac[:, diag, diag] = x ** 2 - s
            try:
                delta = np.linalg.solve(jac, f[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:  # a singular Jacobian: those groups keep iterating plainly
                delta = np.stack([_solve_or_nan(j, v) for j, v in zip(jac, f)])
            x = x - delta
            moved = np.abs(delta).max(axis=1)
            if not (moved > tol).any():
                break
    fine = np.isfinite(x).all(axis=1) & (moved <= 1e-12)
    x = np.where(((x * lam).sum(axis=1) < 0)[:, None], -x, x)
    return x, fine


def _solve_or_nan(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        return np.full_like(b, np.nan)


def _is_fixed_point(r: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Whether ``lam`` is the top eigenvector of ``r`` with ``lam**2`` on the diagonal, scaled (to 1e-10)."""
    a = r.copy()
    diag = np.arange(r.shape[1])
    a[:, diag, diag] = lam ** 2
    w, v = np.linalg.eigh(a)
    again = v[:, :, -1] * np.sqrt(np.clip(w[:, -1], 0, None))[:, None]
    return np.abs(np.abs(again) - np.abs(lam)).max(axis=1) <= 1e-10


def _top_eigenpair(a: np.ndarray, start: np.ndarray | None, steps: int = 12, tol: float = 4e-16):
    """Largest eigenvalue and unit eigenvector of each symmetric matrix in ``a`` (G, k, k).

    From ``start`` by power iteration with ``a``⁸ (three squarings: each product
    shrinks the other eigen-directions eightfold in the exponent), until no
    component moves more than ``tol`` times k; groups that do not settle in
    ``steps``, and all groups without ``start``, by :func:`numpy.linalg.eigh`.
    """
    if start is None:
        w, v = np.linalg.eigh(a)
        return w[:, -1], v[:, :, -1]
    b = a
    for _ in range(3):
        b = np.matmul(b, b)
    v = start
    for _ in range(steps):
        bv = np.matmul(b, v[:, :, None])[:, :, 0]
        new = bv / np.linalg.norm(bv, axis=1, keepdims=True)
        moved = np.abs(new - v).max(axis=1)
        v = new
        if moved.max() <= tol * a.shape[1]:
            break
    unsettled = moved > tol * a.shape[1]
    if unsettled.any():
        v[unsettled] = np.linalg.eigh(a[unsettled])[1][:, :, -1]
    w = np.einsum("gi,gi->g", v, np.matmul(a, v[:, :, None])[:, :, 0])  # Rayleigh quotient
    return w, v


def _is_top(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Whether ``w`` is the largest eigenvalue of each matrix in ``a`` (to 1e-9 relative)."""
    top = np.linalg.eigvalsh(a)[:, -1]
    return np.abs(top - w) <= 1e-9 * np.maximum(1, np.abs(top))


def _omega_by_size(covs: list[np.ndarray]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """:func:`omega_from_cov` of each covariance stack with k >= 3, stacks of one size fitted in one call."""
    fits = {}
    for k in {c.shape[1] for c in covs if c.shape[1] >= 3}:
        which = [i for i, c in enumerate(covs) if c.shape[1] == k]
        om, hey = omega_from_cov(np.concatenate([covs[i] for i in which]))
        for i, o, h in zip(which, np.split(om, len(which)), np.split(hey, len(which))):
            fits[i] = (o, h)
    return fits


def _item_rest(cov: np.ndarray):
    """Per group and item (G, k): variance, whether the other items' total is flat, r_drop, alpha if deleted.

    See :func:`item_statistics` for the formulas.
    """
    k = cov.shape[-1]
    with quiet():
        tot = cov.sum(axis=(1, 2))[:, None]
        row = cov.sum(axis=2)
        var = np.diagonal(cov, axis1=1, axis2=2)
        var_rest = tot - 2 * row + var
        tr = np.trace(cov, axis1=1, axis2=2)[:, None]
        rest_flat = flat(var_rest, tr - var)
        r_drop = np.where(rest_flat | (var == 0), np.nan, (row - var) / np.sqrt(var * var_rest))
        a_del = np.where(rest_flat, np.nan, (k - 1) / (k - 2) * (1 - (tr - var) / var_rest)) if k > 2 \
            else np.full_like(var, np.nan)
    return var, rest_flat, r_drop, a_del


def _negative_items(r_drop: np.ndarray, items: Sequence[str]) -> np.ndarray:
    """Per group, the note naming the items with a negative r_drop ("" where there is none).

    Built per item over all groups at once; the note text once per distinct list of names.
    """
    names = np.full(r_drop.shape[0], "", dtype=object)
    for i, item in enumerate(items):
        neg = r_drop[:, i] < 0
        names = np.where(neg, np.where(names == "", item, names + ", " + item), names)
    said = {n: note("negative_items", items=n) for n in set(names) if n}
    return np.array([said.get(n, "") for n in names], dtype=object)


def _condition_covariances(d: Data, by: list[str], conditions: Sequence[str] | None, missing: str):
    """Group keys, the conditions, and per condition ``(condition, k, cov, npair, n, mean)`` of every group."""
    r = d.frame
    codes, keys = group_codes(r, by)
    conds = d.pick(conditions)

    def per_condition():
        for cond in conds:
            items = d.items_of(cond)
            cov, npair, n, mean = group_cov(r[items].to_numpy(dtype=float), codes, len(keys), missing)
            yield cond, len(items), cov, npair, n, mean

    return keys, conds, per_condition()


@doc
def reliability(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                scales: dict[str, Sequence[str]] | None = None, missing: str = "listwise",
                conditions: Sequence[str] | None = None, omega: bool = True, confidence: float = 0.95,
                min_n: int = MIN_GROUP_SIZE, pool_waves: bool = False,
                codebook: Codebook | None = None) -> pd.DataFrame:
    """Cronbach's alpha with Feldt interval, and McDonald's omega, per group and condition.

    Item statistics (alpha-if-item-deleted, corrected item-total correlation)
    are a separate function, :func:`item_statistics`.

    Parameters
    ----------
    {data}
    {by}
    {scales}
    missing : {"listwise", "pairwise"}
        ``listwise`` (default) uses respondents who answered every item of the
        condition; ``pairwise`` estimates each covariance from the respondents
        who answered both items (like ``pingouin.cronbach_alpha``).
    {conditions}
    omega : bool
        Also fit the one-factor model for omega (needs k >= 3).
    {confidence}
    {min_n}
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition, missing, n, k, alpha, ci_low, ci_high,
        omega, note``. ``n`` is the number of complete cases (listwise) or of
        respondents with at least one answer in the condition (pairwise); it is
        the n of the Feldt interval.

    Notes
    -----
    .. math:: \\alpha = \\frac{k}{k-1}\\Big(1 - \\frac{\\operatorname{tr} C}{\\mathbf 1^\\top C \\mathbf 1}\\Big)

    Feldt (1965) interval:
    :math:`1-(1-\\alpha)F_{1-a/2}(n-1,(n-1)(k-1))` to
    :math:`1-(1-\\alpha)F_{a/2}(n-1,(n-1)(k-1))`.

    Omega (McDonald 1999) from a one-factor model fitted to the correlation
    matrix by iterated principal axes (starting from squared multiple
    correlations, iterated until the sum of communalities changes less than
    1e-13, as ``psych::fa(fm="pa")``):

    .. math:: \\omega = \\frac{(\\sum\\lambda_i)^2}{(\\sum\\lambda_i)^2 + \\sum(1-\\lambda_i^2)}

    The fixed point the iteration approaches is found by Newton's method after
    a few steps (the iteration itself needs hundreds of steps for many small
    groups; see :func:`_principal_axes`); all groups are fitted at once. A
    Heywood case (a communality above 1, during the iterations or at the fixed
    point) gives omega NaN and the note "omega: Heywood case".

    Undefined cases are NaN with a note, never a number made of rounding
    noise: every item constant ("zero variance"); items that vary but add up
    to a constant total, e.g. one item the mirror image of another ("total
    score has zero variance"; a total variance of at most 1e-12 of the sum
    of the item variances counts as zero); fewer than two respondents
    ("fewer than 2 respondents"); an item without (two) answers ("item
    without answers"); a group below ``min_n`` ("n < 5"). Omega is NaN
    wherever alpha is undefined for these reasons.

    A group in which a statement correlates negatively with the rest of its
    condition (corrected item-total correlation ``r_drop`` below 0, see
    :func:`item_statistics`) names it in ``note`` as probably needing reversal,
    as ``psych::alpha`` (``check.keys=FALSE``) warns. psych decides by the sign
    of the item's loading on the first principal component, this function by
    ``r_drop``, the correlation the warning speaks of; both name the same item
    in ``tests/r/reverse_keys.R``. Mark such a statement ``reverse = true`` in
    the codebook: it is then scored max + min - answer when loaded.

    Validated against ``pingouin.cronbach_alpha`` (alpha and, unrounded,
    its Feldt interval), ``psych::alpha`` and ``psych::fa(fm="pa")`` in R
    (``tests/r/reference_values.R``; omega also on 400 groups that converge
    slowly or end in a Heywood case).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika*, 16, 297-334.
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability coefficient twenty. *Psychometrika*, 30, 357-370.
    McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Erlbaum.

    Examples
    --------
    >>> import analyse as an
    >>> rel = an.reliability(an.sample.generate(), pool_waves=True)
    >>> rel[["condition", "n", "k"]].head(2)
      condition    n  k
    0   ambitie  265  4
    1  belangen  268  4
    """
    d = as_data(data, scales=scales, codebook=codebook)
    by = d.strata(by, pool_waves=pool_waves)
    keys, conds, blocks = _condition_covariances(d, by, conditions, missing)
    frames = []
    blocks = list(blocks)
    fits = _omega_by_size([b[2] for b in blocks]) if omega else {}
    for i, (cond, k, cov, npair, n, _) in enumerate(blocks):
        alpha = alpha_from_cov(cov)
        lo, hi = feldt_ci(alpha, n, k, confidence)
        om, hey = fits.get(i, (np.full(len(keys), np.nan), np.zeros(len(keys), dtype=bool)))
        small = n < min_n
        one = ~small & (n < 2)
        no_item = (np.diagonal(npair, axis1=1, axis2=2) < 2).any(axis=1)
        tr = np.trace(cov, axis1=1, axis2=2)
        zero = tr == 0  # every item constant (group_cov makes their variances 0 exactly)
        total_flat = flat(cov.sum(axis=(1, 2)), tr) & ~zero
        out = keys.reset_index(drop=True).copy()
        out["condition"] = cond
        out["missing"] = missing
        out["n"] = n.astype(np.int64)
        out["k"] = k
        bad = small | no_item
        negative = _negative_items(_item_rest(cov)[2], d.items_of(cond))
        for name, val in [("alpha", alpha), ("ci_low", lo), ("ci_high", hi),
                          ("omega", np.where(zero | total_flat, np.nan, om))]:
            out[name] = np.where(bad, np.nan, val)
        out["note"] = join_notes(note_small(n, min_n),
                                 np.where(one, note("one_respondent"), ""),
                                 np.where(~small & ~one & no_item, note("item_unanswered"), ""),
                                 np.where(~bad & zero, note("zero_variance"), ""),
                                 np.where(~bad & total_flat, note("total_zero_variance"), ""),
                                 np.where(~bad & hey, note("heywood"), ""),
                                 np.where(~bad & ~zero & ~total_flat & ~hey & np.isnan(om) & omega,
                                          note("omega_not_estimable" if k >= 3 else "omega_needs_three"), ""),
                                 np.where(bad | one, "", negative))
        frames.append(out)
    return add_note(stack_conditions(frames, conds, d.condition_dtype(conds)), d.pooled_note(by, pool_waves))


@doc
def item_statistics(data: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                    scales: dict[str, Sequence[str]] | None = None, missing: str = "listwise",
                    conditions: Sequence[str] | None = None, min_n: int = MIN_GROUP_SIZE,
                    pool_waves: bool = False, codebook: Codebook | None = None) -> pd.DataFrame:
    """Item analysis per group and condition: corrected item-total r and alpha if item deleted.

    Parameters
    ----------
    {data}
    {by}
    {scales}
    missing : {"listwise", "pairwise"}
        As in :func:`reliability`.
    {conditions}
    {min_n}
    {pool_waves}
    {codebook}

    Returns
    -------
    DataFrame
        The strata, ``condition, item, n, mean, sd, r_drop,
        alpha_if_deleted, note``; ``n`` as in :func:`reliability` (for
        ``pairwise``, the respondents who answered the item).

    Notes
    -----
    With :math:`C` the item covariance matrix, :math:`T` the total and
    :math:`T_{-i}` the total without item :math:`i`:

    .. math::
        r_{i,T_{-i}} = \\frac{\\sum_j c_{ij} - c_{ii}}{\\sqrt{c_{ii}\\,\\operatorname{Var}(T_{-i})}},\\qquad
        \\operatorname{Var}(T_{-i}) = \\mathbf 1^\\top C\\mathbf 1 - 2\\sum_j c_{ij} + c_{ii}

    and :math:`\\alpha_{-i}` is alpha of :math:`C` without row and column
    :math:`i`. Undefined cases are NaN with a note: a constant item has no
    ``r_drop`` ("zero variance"); where the other items add up to a constant
    total, ``r_drop`` and ``alpha_if_deleted`` are undefined ("total of the
    other items has zero variance"); fewer than two respondents leave only
    ``mean`` ("fewer than 2 respondents"). A negative ``r_drop`` is noted: the
    statement probably should be reversed (``reverse = true`` in the
    codebook), as ``psych::alpha`` warns. Validated against ``psych::alpha`` (``r.drop``,
    ``alpha.drop$raw_alpha``, also of a negatively keyed item before and after
    reversal: ``tests/r/reverse_keys.R``) and ``pingouin.cronbach_alpha`` on the reduced
    item set.

    References
    ----------
    Cronbach, L. J. (1951). *Psychometrika*, 16, 297-334.

    Examples
    --------
    >>> import analyse as an
    >>> items = an.item_statistics(an.sample.generate(), pool_waves=True)
    >>> items[["condition", "item"]].head(2)
      condition       item
    0   ambitie  ambitie_1
    1   ambitie  ambitie_2
    """
    d = as_data(data, scales=scales, codebook=codebook)
    by = d.strata(by, pool_waves=pool_waves)
    keys, conds, blocks = _condition_covariances(d, by, conditions, missing)
    frames = []
    for cond, k, cov, npair, n, mean in blocks:
        items = d.items_of(cond)
        var, rest_flat, r_drop, a_del = _item_rest(cov)
        n_item = np.diagonal(npair, axis1=1, axis2=2) if missing == "pairwise" else np.repeat(n[:, None], k, axis=1)
        G = len(keys)
        out = keys.loc[np.repeat(np.arange(G), k)].reset_index(drop=True)
        out["condition"] = cond
        out["item"] = np.tile(items, G)
        nn = n_item.ravel()
        out["n"] = nn.astype(np.int64)
        small = np.repeat(n < min_n, k)
        with quiet():
            sd = np.sqrt(var)
        for name, val in [("mean", mean), ("sd", sd), ("r_drop", r_drop), ("alpha_if_deleted", a_del)]:
            out[name] = np.where(small, np.nan, val.ravel())
        one = ~small & (nn < 2)
        out["note"] = join_notes(note_small(np.repeat(n, k), min_n),
                                 np.where(one, note("one_respondent"), ""),
                                 np.where(~small & ~one & (var.ravel() == 0), note("zero_variance"), ""),
                                 np.where(~small & ~one & rest_flat.ravel(), note("rest_zero_variance"), ""),
                                 np.where(~small & ~one & (r_drop.ravel() < 0), note("negative_r_drop"), ""))
        frames.append(out)
    return add_note(stack_conditions(frames, conds, d.condition_dtype(conds)), d.pooled_note(by, pool_waves))
