# Reference values for tests/test_agreement_chance.py, computed with R packages.
# Run from the repository root:
#   Rscript tests/r/agreement_null.R [OUT] [exact|simulate|all]
# OUT defaults to tests/reference. "exact" (the default, what the tests re-run when R is there) writes the
# values that involve no random numbers; "simulate" writes the null distributions of multilevel's
# rwg.j.sim and ad.m.sim (about an hour: 360 calls of 10,000 replications, each looping in R), which
# the tests compare with the package's own simulation within Monte-Carlo error but do not re-run. A third
# argument picks the seeds (default 1:5); runs of parts of them, in separate folders, are stacked by rbind.
# Versions used: R 4.2, psych 2.2.9, multilevel 2.7.
suppressPackageStartupMessages({library(psych); library(multilevel)})
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "tests/reference"
part <- if (length(args) > 1) args[2] else "exact"
seeds <- if (length(args) > 2) eval(parse(text = args[3])) else 1:5  # e.g. "4:5", to share the work out
stopifnot(part %in% c("exact", "simulate", "all"))

if (part %in% c("exact", "all")) {
  # 1. rwg(j) against the skewed nulls (ranvar 1.34, 0.90: LeBreton & Senter 2008, Table 2), r*wg(j)
  #    (rwg.j.lindell) against all three, and a_wg(j) (awg, range 1..5), listwise within the items, on
  #    tests/reference/agreement_groups.csv (written by tests/r/make_agreement_groups.py; synthetic small
  #    groups with hand-written edges of a_wg) and per leerlab x condition of tests/reference/fixture.csv.
  families <- function(x, grp) {
    rj <- function(v) rwg.j(x, grp, ranvar = v)
    li <- function(v) rwg.j.lindell(x, grp, ranvar = v)
    u <- rj(2)
    data.frame(grp = u$grpid, n = u$gsize, rwg_j = u$rwg.j, rwg_j_slight = rj(1.34)$rwg.j,
               rwg_j_moderate = rj(0.90)$rwg.j, lindell = li(2)$rwg.lindell, lindell_slight = li(1.34)$rwg.lindell,
               lindell_moderate = li(0.90)$rwg.lindell, awg = awg(x, grp, range = c(1, 5))$a.wg)
  }
  g <- read.csv("tests/reference/agreement_groups.csv")
  q <- g[, c("Q1", "Q2", "Q3", "Q4")]
  fam <- families(q, g$GRP)
  one <- awg(g$Q1, g$GRP, range = c(1, 5))  # the one-item path of awg
  fam$awg_q1 <- one$a.wg[match(fam$grp, one$grpid)]
  names(fam)[1] <- "GRP"
  write.csv(fam, file.path(out, "r_agreement_groups.csv"), row.names = FALSE)

  d <- read.csv("tests/reference/fixture.csv", stringsAsFactors = FALSE)
  conds <- c("ambitie", "belangen", "relatie", "organisatie", "proces")
  items <- lapply(conds, function(c) grep(paste0("^", c, "_"), names(d), value = TRUE)); names(items) <- conds
  fx <- do.call(rbind, lapply(conds, function(c) {
    f <- families(d[, items[[c]]], d$leerlab)
    names(f)[1] <- "leerlab"
    cbind(f[, 1, drop = FALSE], condition = c, f[, -1])
  }))
  write.csv(fx, file.path(out, "r_agreement_families.csv"), row.names = FALSE)

  # 2. ICC(1), ICC(2), F and their intervals (psych::statsBy, alpha = .05 and .10) of the scale score
  #    (mean of the answered items when more than half are answered): per SITE between GRP in
  #    agreement_groups.csv, and per leerlab x condition between partner in fixture.csv. statsBy needs
  #    two variables: the score goes in twice.
  icc_rows <- function(score, grp, label) {
    sel <- !is.na(score)
    do.call(rbind, lapply(c(0.95, 0.90), function(level) {
      sb <- statsBy(data.frame(grp = grp[sel], score = score[sel], twin = score[sel]), group = "grp",
                    alpha = 1 - level)
      cbind(label, data.frame(confidence = level, f = sb$F[["score"]], icc1 = sb$ICC1[["score"]],
                              icc1_ci_low = sb$ci1["score", 1], icc1_ci_high = sb$ci1["score", 2],
                              icc2 = sb$ICC2[["score"]], icc2_ci_low = sb$ci2["score", 1],
                              icc2_ci_high = sb$ci2["score", 2]))
    }))
  }
  scored <- function(x) { k <- ncol(x); ifelse(rowSums(!is.na(x)) >= floor(k / 2) + 1, rowMeans(x, na.rm = TRUE), NA) }
  sg <- scored(q)
  rows <- lapply(sort(unique(g$SITE)), function(s) {
    sel <- g$SITE == s
    icc_rows(sg[sel], g$GRP[sel], data.frame(source = "groups", stratum = s, condition = "Q"))
  })
  for (c in conds) {
    sc <- scored(d[, items[[c]]])
    for (lab in sort(unique(d$leerlab))) {
      sel <- d$leerlab == lab
      rows[[length(rows) + 1]] <- icc_rows(sc[sel], d$partner[sel], data.frame(source = "fixture", stratum = lab,
                                                                               condition = c))
    }
  }
  write.csv(do.call(rbind, rows), file.path(out, "r_icc_intervals.csv"), row.names = FALSE)
}

if (part %in% c("simulate", "all")) {
  # Null distributions of rwg(j) and AD_M (mean) for A = 5 options, J = 4 and 5 items, groups of 3..20,
  # 10,000 replications, seeds 1..5 (RNG: R's default Mersenne-Twister, Rejection sampling).
  # rwg_j_q95: multilevel's rwg.95, the smallest simulated value reached or exceeded in at most 5% of
  # the replications; rwg_j_below: the largest simulated value under it. p_at / p_below: the share of
  # replications at or above each. ad_q05 (ad.m.05): the largest simulated value reached or undercut in
  # at most 5%; ad_above: the smallest simulated value over it; p_at / p_above: the share at or below.
  # Values within 1e-9 count as equal (R's floating-point rwg.j can split one value in the last bit).
  eps <- 1e-9
  rows <- list()
  for (seed in seeds) {
    set.seed(seed)
    for (J in c(4, 5)) for (n in 3:20) {
      r <- rwg.j.sim(gsize = n, nitems = J, nresp = 5, nrep = 10000)
      a <- ad.m.sim(gsize = n, nitems = J, nresp = 5, type = "mean", nrep = 10000)
      below <- max(r$rwg[r$rwg < r$rwg.95 - eps])
      above <- min(a$ad.m[a$ad.m > a$ad.m.05 + eps])
      rows[[length(rows) + 1]] <- data.frame(
        seed = seed, n_items = J, n = n, reps = 10000,
        rwg_j_q95 = r$rwg.95, rwg_j_below = below,
        rwg_p_at = mean(r$rwg >= r$rwg.95 - eps), rwg_p_below = mean(r$rwg >= below - eps),
        ad_q05 = a$ad.m.05, ad_above = above,
        ad_p_at = mean(a$ad.m <= a$ad.m.05 + eps), ad_p_above = mean(a$ad.m <= above + eps))
    }
  }
  write.csv(do.call(rbind, rows), file.path(out, "r_agreement_null.csv"), row.names = FALSE)
}
