# Reference values for tests/test_mixed.py: linear mixed models with a random intercept per school.
# Run from the repository root:  Rscript tests/r/mixed_models.R
# Reads  tests/reference/mixed_sample.csv and mixed_unbalanced.csv (written by tests/r/make_mixed_scores.py)
# Writes tests/reference/r_mixed_sample.csv and r_mixed_unbalanced.csv (or into the folder given as the
# first argument). Versions used: R 4.2, lme4 1.1-31, nlme 3.1-162.
#
# Each comparison is fitted twice, REML throughout:
#   lme4::lmer(score ~ side + (1 | school))             estimate, se, variance components, singular fit
#   nlme::lme(score ~ side, random = ~ 1 | school)      the same, denDF, t, p, interval (intervals()): *_nlme
# t, p and the 95% interval are also computed from lme4's estimate and se with nlme's denDF (columns
# without suffix): nlme's optimiser stops up to 2e-7 from the REML optimum where the school variance
# is small, where lme4 (bobyqa) lands within 1e-8.
# `side` is 1 for the first value compared (a) and 0 for the second (b), so the estimate is a - b.
# The school is the pair (leerlab, partner). deff = 1 + (n / n_clusters - 1) * icc with the icc
# tau2 / (tau2 + sigma2) of the lme4 fit (Kish 1965); n_effective = n / deff.
if (!all(vapply(c("lme4", "nlme"), requireNamespace, logical(1), quietly = TRUE))) quit(status = 77)
suppressPackageStartupMessages({library(lme4); library(nlme)})
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "tests/reference"

fit_one <- function(d, a) {
  d <- d[!is.na(d$score), ]
  d$side <- as.numeric(d$between == a)
  d$school <- factor(paste(d$leerlab, d$partner, sep = " / "))
  m4 <- lmer(score ~ side + (1 | school), data = d, REML = TRUE,
             control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 2e-3, rhoend = 1e-12)))
  vc <- as.data.frame(VarCorr(m4))
  tau2 <- vc$vcov[vc$grp == "school"]; sigma2 <- vc$vcov[vc$grp == "Residual"]
  mn <- lme(score ~ side, random = ~ 1 | school, data = d, method = "REML",
            control = lmeControl(msMaxIter = 500, msTol = 1e-14, tolerance = 1e-12, niterEM = 200))
  tt <- summary(mn)$tTable
  ci <- intervals(mn, which = "fixed", level = 0.95)$fixed
  n <- nrow(d); J <- nlevels(droplevels(d$school))
  est <- unname(fixef(m4)["side"]); se <- sqrt(vcov(m4)["side", "side"]); df <- tt["side", "DF"]
  icc <- tau2 / (tau2 + sigma2)
  deff <- 1 + (n / J - 1) * icc
  data.frame(n = n, n_clusters = J,
             estimate = est, se = se, df = df, t = est / se, p = 2 * pt(-abs(est / se), df),
             ci_low = est - qt(0.975, df) * se, ci_high = est + qt(0.975, df) * se,
             tau2 = tau2, sigma2 = sigma2, icc = icc, deff = deff, n_effective = n / deff,
             estimate_nlme = tt["side", "Value"], se_nlme = tt["side", "Std.Error"],
             t_nlme = tt["side", "t-value"], p_nlme = tt["side", "p-value"],
             ci_low_nlme = ci["side", "lower"], ci_high_nlme = ci["side", "upper"],
             tau2_nlme = getVarCov(mn)[1, 1], sigma2_nlme = mn$sigma^2,
             singular = isSingular(m4))
}

compare <- function(d, between, a, strata) {
  d$between <- d[[between]]
  keys <- unique(d[, c(strata, "condition"), drop = FALSE])
  rows <- lapply(seq_len(nrow(keys)), function(i) {
    sel <- Reduce(`&`, lapply(names(keys), function(k) d[[k]] == keys[i, k]))
    cbind(data.frame(between = between, wave = if ("wave" %in% strata) keys$wave[i] else NA,
                     condition = keys$condition[i]), fit_one(d[sel, ], a))
  })
  do.call(rbind, rows)
}

s <- read.csv("tests/reference/mixed_sample.csv", stringsAsFactors = FALSE)
sample <- rbind(compare(s, "sector", "vmbo", c("wave")), compare(s, "wave", 1, character(0)))
write.csv(sample, file.path(out, "r_mixed_sample.csv"), row.names = FALSE)

u <- read.csv("tests/reference/mixed_unbalanced.csv", stringsAsFactors = FALSE)
u <- rbind(data.frame(u[, c("leerlab", "partner", "sector", "wave")], condition = "x", score = u$x),
           data.frame(u[, c("leerlab", "partner", "sector", "wave")], condition = "y", score = u$y))
unb <- rbind(compare(u, "sector", "vmbo", character(0)), compare(u, "wave", 1, character(0)))
write.csv(unb, file.path(out, "r_mixed_unbalanced.csv"), row.names = FALSE)
