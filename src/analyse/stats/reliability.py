"""Internal consistency per group and condition: Cronbach's alpha, omega, item statistics."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as st

from ..codebook import Codebook
from ..survey import Survey
from ._common import MIN_GROUP_SIZE, as_by, as_survey, group_codes, gsum, join_notes, note_small, quiet, stack_conditions

__all__ = ["reliability", "item_statistics"]


def condition_items(survey: Survey, condition: str) -> list[str]:
    """Items of a condition; ``"all"`` means all items of the questionnaire."""
    cb = survey.codebook
    return cb.item_codes if condition == "all" else cb.items_of(condition)


def group_cov(x: np.ndarray, codes: np.ndarray, n_groups: int, missing: str = "listwise"):
    """Covariance matrices (ddof=1) of the columns of ``x`` for every group at once.

    Returns ``cov`` (G, k, k), ``npair`` (G, k, k) observations behind each
    entry, ``n`` (G,) respondents used and ``mean`` (G, k).
    ``missing="listwise"`` drops rows with any NaN; ``"pairwise"`` uses, for
    each pair of items, the rows that answered both (pandas' ``DataFrame.cov``).

    .. math:: c_{ij} = \\frac{S_{ij} - S_{i|j} S_{j|i} / n_{ij}}{n_{ij}-1}

    with :math:`S_{ij}=\\sum x_i x_j` and :math:`S_{i|j}=\\sum x_i` over the
    rows where both are observed, after centring each column on its overall
    mean for numerical accuracy.
    """
    if missing not in ("listwise", "pairwise"):
        raise ValueError("missing must be 'listwise' or 'pairwise'")
    x = np.asarray(x, dtype=float)
    obs = ~np.isnan(x)
    codes = codes.copy()
    if missing == "listwise":
        codes[~obs.all(axis=1)] = -1
        n = gsum(codes, np.ones(len(x)), n_groups)
    else:
        n = gsum(codes, obs.any(axis=1).astype(float), n_groups)
    with quiet():
        centre = np.nanmean(np.where(codes[:, None] >= 0, x, np.nan), axis=0)
    centre = np.where(np.isnan(centre), 0.0, centre)
    z = np.where(obs, x - centre, 0.0)
    m = obs.astype(float)
    k = x.shape[1]
    npair = gsum(codes, m[:, :, None] * m[:, None, :], n_groups)
    sxy = gsum(codes, z[:, :, None] * z[:, None, :], n_groups)
    sx = gsum(codes, z[:, :, None] * m[:, None, :], n_groups)  # sum of x_i where j observed
    with quiet():
        cov = (sxy - sx * np.swapaxes(sx, 1, 2) / npair) / (npair - 1)
        mean = np.diagonal(sx, axis1=1, axis2=2) / np.diagonal(npair, axis1=1, axis2=2) + centre
    cov[npair < 2] = np.nan
    return cov, npair, n, mean.reshape(n_groups, k)


def alpha_from_cov(cov: np.ndarray) -> np.ndarray:
    """Cronbach's alpha from covariance matrices (..., k, k)."""
    k = cov.shape[-1]
    with quiet():
        tr = np.trace(cov, axis1=-2, axis2=-1)
        tot = cov.sum(axis=(-2, -1))
        return k / (k - 1) * (1 - tr / tot)


def feldt_ci(alpha: np.ndarray, n: np.ndarray, k: int, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Feldt (1965) confidence interval of alpha: F with (n-1, (n-1)(k-1)) df."""
    with quiet():
        df1 = n - 1
        df2 = df1 * (k - 1)
        a = 1 - level
        lo = 1 - (1 - alpha) * st.f.isf(a / 2, df1, df2)
        hi = 1 - (1 - alpha) * st.f.isf(1 - a / 2, df1, df2)
    return lo, hi


def omega_from_cov(cov: np.ndarray, max_iter: int = 1000, tol: float = 1e-13) -> tuple[np.ndarray, np.ndarray]:
    """McDonald's omega (total) of a one-factor model fitted by iterated principal axes.

    Returns ``omega`` and a boolean ``heywood`` flag (a communality above 1).
    Groups whose correlation matrix is not finite or has a zero variance get NaN.
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
    lam, hey, tracked = _principal_axes(r, max_iter, tol, warm=True)
    # Power iteration follows the eigenvector it starts on; where that is no longer the
    # largest one at the end (eigenvalues crossed), refit those groups with full eigh.
    lost = ~_is_top(*tracked)
    if lost.any():
        lam[lost], hey[lost], _ = _principal_axes(r[lost], max_iter, tol, warm=False)
    s = np.abs(lam.sum(axis=1))
    om = s ** 2 / (s ** 2 + (1 - lam ** 2).sum(axis=1))
    omega[ok] = np.where(hey, np.nan, om)
    heywood[ok] = hey
    return omega, heywood


def _principal_axes(r: np.ndarray, max_iter: int, tol: float, warm: bool):
    """One-factor loadings of correlation matrices (G, k, k) by iterated principal axes, as psych::fa(fm="pa").

    Starts from squared multiple correlations; each group iterates until its sum of
    communalities changes by at most ``tol`` or a communality exceeds 1 (Heywood
    case). All groups still iterating are fitted together. With ``warm`` the top
    eigenpair of each step is found by power iteration from the previous step's
    eigenvector (the matrix changes little between steps, so a few matrix-vector
    products reach machine precision), and only the first step, and groups where
    that does not converge, use full :func:`numpy.linalg.eigh`: slowly converging
    groups need hundreds of steps, where eigh dominated the cost.

    Returns loadings (G, k), Heywood flags (G,) and, for the check in
    :func:`omega_from_cov`, each group's last matrix and tracked eigenvalue.
    """
    G, k, _ = r.shape
    eye = np.eye(k, dtype=bool)
    with quiet():
        h = 1 - 1 / np.diagonal(np.linalg.pinv(r), axis1=1, axis2=2)  # squared multiple correlations
    comm = h.sum(axis=1)
    lam = np.zeros_like(h)
    vec = np.zeros_like(h)
    top = np.zeros(G)
    last = r.copy()
    hey = np.zeros(G, dtype=bool)
    idx = np.arange(G)  # groups still iterating; converged ones drop out
    for step in range(max_iter):
        rr = r[idx].copy()
        rr[:, eye] = h[idx]
        w_i, v_i = _top_eigenpair(rr, vec[idx] if warm and step else None)
        vec[idx], top[idx], last[idx] = v_i, w_i, rr
        lam_i = v_i * np.sqrt(np.clip(w_i, 0, None))[:, None]
        h_new = lam_i ** 2
        comm_new = h_new.sum(axis=1)
        hey_i = (h_new > 1).any(axis=1)  # Heywood case: stop, omega is not reported
        hey[idx[hey_i]] = True
        done = (np.abs(comm_new - comm[idx]) <= tol) | hey_i
        h[idx], comm[idx], lam[idx] = h_new, comm_new, lam_i
        idx = idx[~done]
        if len(idx) == 0:
            break
    return lam, hey, (last, top)


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


def _condition_covariances(survey: Survey, by: list[str], conditions: Sequence[str] | None, missing: str):
    """Group keys, the conditions, and per condition ``(condition, k, cov, npair, n, mean)`` of every group."""
    r = survey.responses
    codes, keys = group_codes(r, by)
    conds = list(survey.codebook.condition_codes if conditions is None else conditions)

    def per_condition():
        for cond in conds:
            items = condition_items(survey, cond)
            cov, npair, n, mean = group_cov(r[items].to_numpy(dtype=float), codes, len(keys), missing)
            yield cond, len(items), cov, npair, n, mean

    return keys, conds, per_condition()


def reliability(survey: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                missing: str = "listwise", conditions: Sequence[str] | None = None,
                omega: bool = True, level: float = 0.95, min_n: int = MIN_GROUP_SIZE,
                codebook: Codebook | None = None) -> pd.DataFrame:
    """Cronbach's alpha with Feldt interval, and McDonald's omega, per group and condition.

    Item statistics (alpha-if-item-deleted, corrected item-total correlation)
    are a separate function, :func:`item_statistics`.

    Parameters
    ----------
    survey : Survey or DataFrame
    by : list of str, optional
        Grouping columns; None for the whole survey.
    missing : {"listwise", "pairwise"}
        ``listwise`` (default) uses respondents who answered every item of the
        condition; ``pairwise`` estimates each covariance from the respondents
        who answered both items (like ``pingouin.cronbach_alpha``).
    conditions : list of str, optional
        Subset of conditions; ``"all"`` is the 21-item total scale.
    omega : bool
        Also fit the one-factor model for omega (needs k >= 3).
    level : float
        Confidence level of the Feldt interval.
    min_n : int
        Groups with fewer respondents (``n``) get NaN and a ``note``.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``condition, missing, n, k, alpha, ci_low, ci_high,
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

    A Heywood case (a communality above 1 during the iterations) stops the
    fit for that group: omega is NaN and the note says "omega: Heywood case". All groups are fitted at once
    with batched :func:`numpy.linalg.eigh`.

    Edge cases: zero total variance gives NaN alpha ("zero variance"); an item
    without (two) answers gives NaN ("item without answers"); a group below
    ``min_n`` gives NaN ("n < 5").

    Validated against ``pingouin.cronbach_alpha`` (alpha and, unrounded,
    its Feldt interval), ``psych::alpha`` and ``psych::fa(fm="pa")`` in R
    (``tests/r/reference_values.R``).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika*, 16, 297-334.
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability coefficient twenty. *Psychometrika*, 30, 357-370.
    McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Erlbaum.

    Examples
    --------
    >>> import analyse as an
    >>> an.reliability(an.sample.generate(), by=["leerlab"])  # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    by = as_by(by)
    keys, conds, blocks = _condition_covariances(survey, by, conditions, missing)
    frames = []
    for cond, k, cov, npair, n, _ in blocks:
        alpha = alpha_from_cov(cov)
        lo, hi = feldt_ci(alpha, n, k, level)
        if omega and k >= 3:
            om, hey = omega_from_cov(cov)
        else:
            om, hey = np.full(len(keys), np.nan), np.zeros(len(keys), dtype=bool)
        small = n < min_n
        no_item = (np.diagonal(npair, axis1=1, axis2=2) < 2).any(axis=1)
        with quiet():
            zero = cov.sum(axis=(1, 2)) == 0
        out = keys.reset_index(drop=True).copy()
        out["condition"] = cond
        out["missing"] = missing
        out["n"] = n.astype(np.int64)
        out["k"] = k
        bad = small | no_item
        for name, val in [("alpha", alpha), ("ci_low", lo), ("ci_high", hi), ("omega", om)]:
            out[name] = np.where(bad, np.nan, val)
        out["note"] = join_notes(note_small(n, min_n),
                                 np.where(~small & no_item, "item without answers", ""),
                                 np.where(~bad & zero, "zero variance", ""),
                                 np.where(~bad & hey, "omega: Heywood case", ""),
                                 np.where(~bad & ~zero & ~hey & np.isnan(om) & omega, "omega not estimable" if k >= 3 else "omega needs k >= 3", ""))
        frames.append(out)
    return stack_conditions(frames, survey, conds)


def item_statistics(survey: Survey | pd.DataFrame, by: str | Sequence[str] | None = None, *,
                    missing: str = "listwise", conditions: Sequence[str] | None = None,
                    min_n: int = MIN_GROUP_SIZE, codebook: Codebook | None = None) -> pd.DataFrame:
    """Item analysis per group and condition: corrected item-total r and alpha if item deleted.

    Parameters
    ----------
    survey, by, missing, conditions, min_n
        As in :func:`reliability`.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``condition, item, n, mean, sd, r_drop,
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
    :math:`i`. Validated against ``psych::alpha`` (``r.drop``,
    ``alpha.drop$raw_alpha``) and ``pingouin.cronbach_alpha`` on the reduced
    item set.

    References
    ----------
    Cronbach, L. J. (1951). *Psychometrika*, 16, 297-334.

    Examples
    --------
    >>> import analyse as an
    >>> an.item_statistics(an.sample.generate())  # doctest: +SKIP
    """
    survey = as_survey(survey, codebook)
    by = as_by(by)
    keys, conds, blocks = _condition_covariances(survey, by, conditions, missing)
    frames = []
    for cond, k, cov, npair, n, mean in blocks:
        items = condition_items(survey, cond)
        with quiet():
            tot = cov.sum(axis=(1, 2))[:, None]
            row = cov.sum(axis=2)
            var = np.diagonal(cov, axis1=1, axis2=2)
            var_rest = tot - 2 * row + var
            r_drop = (row - var) / np.sqrt(var * var_rest)
            tr = np.trace(cov, axis1=1, axis2=2)[:, None]
            a_del = (k - 1) / (k - 2) * (1 - (tr - var) / var_rest) if k > 2 else np.full_like(var, np.nan)
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
        out["note"] = join_notes(note_small(np.repeat(n, k), min_n),
                                 np.where(~small & (var.ravel() == 0), "zero variance", ""))
        frames.append(out)
    return stack_conditions(frames, survey, conds)
