# Reference values for tests/test_stats_r.py, computed with R packages.
# Run from the repository root:  Rscript tests/r/reference_values.R
# Reads  tests/reference/fixture.csv (written by tests/synthetic.py, seed 11; synthetic, fictional school names)
# Writes tests/reference/r_*.csv (or into the folder given as the first argument)
# Versions used: R 4.2, psych 2.2.9, multilevel 2.7.
suppressPackageStartupMessages({library(psych); library(multilevel)})
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "tests/reference"
d <- read.csv("tests/reference/fixture.csv", stringsAsFactors = FALSE)
conds <- c("ambitie", "belangen", "relatie", "organisatie", "proces")
items <- lapply(conds, function(c) grep(paste0("^", c, "_"), names(d), value = TRUE)); names(items) <- conds
labs <- c("Sport", "Groen", "Verkoop", "Zorg", "Horeca")

agree <- list(); icc <- list(); rel <- list(); itm <- list()
for (c in conds) {
  x <- d[, items[[c]]]
  # rwg.j (A = 5: ranvar = (5^2 - 1)/12 = 2) and ad.m, listwise within the items
  r <- rwg.j(x, d$leerlab, ranvar = 2)
  am <- ad.m(x, d$leerlab, type = "mean")
  amd <- ad.m(x, d$leerlab, type = "median")
  agree[[c]] <- data.frame(leerlab = r$grpid, condition = c, n = r$gsize, rwg_j = r$rwg.j,
                           ad_mean = am$AD.M, ad_median = amd$AD.M)
  # scale score: mean of answered items when more than half answered
  nans <- rowSums(!is.na(x)); k <- ncol(x)
  score <- ifelse(nans >= floor(k / 2) + 1, rowMeans(x, na.rm = TRUE), NA)
  for (lab in labs) {
    sel <- d$leerlab == lab & !is.na(score)
    m <- aov(score[sel] ~ as.factor(d$partner[sel]))
    icc[[paste(c, lab)]] <- data.frame(leerlab = lab, condition = c, icc1 = ICC1(m), icc2 = ICC2(m))
    xl <- na.omit(x[d$leerlab == lab, ])
    a <- psych::alpha(xl, check.keys = FALSE, warnings = FALSE)
    f <- psych::fa(cor(xl), nfactors = 1, fm = "pa", min.err = 1e-13, max.iter = 5000, n.obs = nrow(xl))
    lam <- as.vector(f$loadings); lam <- lam * sign(sum(lam))
    omega <- sum(lam)^2 / (sum(lam)^2 + sum(1 - lam^2))
    rel[[paste(c, lab)]] <- data.frame(leerlab = lab, condition = c, n = nrow(xl),
                                       alpha = a$total$raw_alpha, omega = omega)
    itm[[paste(c, lab)]] <- data.frame(leerlab = lab, condition = c, item = rownames(a$item.stats),
                                       r_drop = a$item.stats$r.drop, alpha_if_deleted = a$alpha.drop$raw_alpha)
  }
}
write.csv(do.call(rbind, agree), file.path(out, "r_agreement.csv"), row.names = FALSE)
write.csv(do.call(rbind, icc), file.path(out, "r_icc.csv"), row.names = FALSE)
write.csv(do.call(rbind, rel), file.path(out, "r_reliability.csv"), row.names = FALSE)
write.csv(do.call(rbind, itm), file.path(out, "r_items.csv"), row.names = FALSE)

# Omega of 400 small groups (tests/reference/omega_groups.csv, written by tests/synthetic.py
# omega_groups(), seed 23): many fit slowly or end in a Heywood case. `converged` is FALSE where
# psych reports "maximum iteration exceeded"; `max_h` is the largest final communality.
og <- read.csv("tests/reference/omega_groups.csv")
rows <- lapply(split(og, og$group), function(d) {
  x <- as.matrix(d[, grep("^x", names(d))])
  converged <- TRUE
  f <- tryCatch(withCallingHandlers(
    psych::fa(cor(x), nfactors = 1, fm = "pa", min.err = 1e-13, max.iter = 5000, n.obs = nrow(x)),
    message = function(m) { if (grepl("maximum iteration", conditionMessage(m))) converged <<- FALSE
                            invokeRestart("muffleMessage") },
    warning = function(w) { if (grepl("maximum iteration", conditionMessage(w))) converged <<- FALSE
                            invokeRestart("muffleWarning") }), error = function(e) NULL)
  if (is.null(f)) return(data.frame(group = d$group[1], omega = NA, max_h = NA, converged = FALSE))
  lam <- as.vector(f$loadings); lam <- lam * sign(sum(lam))
  data.frame(group = d$group[1], omega = sum(lam)^2 / (sum(lam)^2 + sum(1 - lam^2)), max_h = max(lam^2),
             converged = converged)
})
write.csv(do.call(rbind, rows), file.path(out, "r_omega_groups.csv"), row.names = FALSE)

# Plain tidy frame shaped like multilevel's bh1996/lq2002: tests/reference/bh_style.csv is SYNTHETIC
# (written by tests/r/make_bh_style.py, seed 1996), not the real data. Groups GRP nested in sites SITE;
# COHES one item with a few NA, L1..L4 four items without NA; answers 1..5, so ranvar = (5^2 - 1)/12 = 2.
# Tidy output r_bh_style.csv: statistic, scale, GRP, SITE, value; GRP is set on per-group rows, SITE on
# per-site rows, neither on whole-frame rows.
bh <- read.csv("tests/reference/bh_style.csv", stringsAsFactors = FALSE)
lead <- bh[, c("L1", "L2", "L3", "L4")]
tidy <- function(statistic, scale, grp, site, value)
  data.frame(statistic = statistic, scale = scale, GRP = grp, SITE = site, value = as.numeric(value))
icc_rows <- function(d, site) {  # aov drops the NA rows of COHES
  m <- aov(COHES ~ as.factor(GRP), data = d); tab <- summary(m)[[1]]
  n <- sum(!is.na(d$COHES)); J <- length(unique(d$GRP[!is.na(d$COHES)]))
  rbind(tidy(c("n", "n_groups", "msb", "msw", "icc1", "icc2"), "cohes", NA, site,
             c(n, J, tab[1, 3], tab[2, 3], ICC1(m), ICC2(m))))
}
fa_omega <- function(x) {  # as for omega_groups.csv above: converged FALSE on "maximum iteration exceeded"
  converged <- TRUE
  f <- tryCatch(withCallingHandlers(
    psych::fa(cor(x), nfactors = 1, fm = "pa", min.err = 1e-13, max.iter = 5000, n.obs = nrow(x)),
    message = function(m) { if (grepl("maximum iteration", conditionMessage(m))) converged <<- FALSE
                            invokeRestart("muffleMessage") },
    warning = function(w) { if (grepl("maximum iteration", conditionMessage(w))) converged <<- FALSE
                            invokeRestart("muffleWarning") }), error = function(e) NULL)
  if (is.null(f)) return(c(omega = NA, max_h = NA, converged = 0))
  lam <- as.vector(f$loadings); lam <- lam * sign(sum(lam))
  c(omega = sum(lam)^2 / (sum(lam)^2 + sum(1 - lam^2)), max_h = max(lam^2), converged = as.numeric(converged))
}
rel_rows <- function(x, grp) {
  a <- psych::alpha(x, check.keys = FALSE, warnings = FALSE)
  o <- fa_omega(as.matrix(x))
  tidy(c("n", "alpha", "omega", "omega_max_h", "omega_converged"), "lead", grp, NA,
       c(nrow(x), a$total$raw_alpha, o[["omega"]], o[["max_h"]], o[["converged"]]))
}
out_bh <- list(icc_rows(bh, NA))
for (s in sort(unique(bh$SITE))) out_bh[[length(out_bh) + 1]] <- icc_rows(bh[bh$SITE == s, ], s)
r1 <- rwg(bh$COHES, bh$GRP, ranvar = 2)
rj <- rwg.j(lead, bh$GRP, ranvar = 2)
am <- ad.m(lead, bh$GRP, type = "mean")
amd <- ad.m(lead, bh$GRP, type = "median")
out_bh <- c(out_bh, list(
  tidy("n", "cohes", r1$grpid, NA, r1$gsize), tidy("rwg", "cohes", r1$grpid, NA, r1$rwg),
  tidy("n", "lead", rj$grpid, NA, rj$gsize), tidy("rwg_j", "lead", rj$grpid, NA, rj$rwg.j),
  tidy("ad_mean", "lead", am$grpid, NA, am$AD.M), tidy("ad_median", "lead", amd$grpid, NA, amd$AD.M)))
for (g in sort(unique(bh$GRP))) out_bh[[length(out_bh) + 1]] <- rel_rows(lead[bh$GRP == g, ], g)
out_bh[[length(out_bh) + 1]] <- rel_rows(lead, NA)
bh_out <- unique(do.call(rbind, out_bh))  # "n" of lead per group comes from rwg.j and from alpha: once
write.csv(bh_out, file.path(out, "r_bh_style.csv"), row.names = FALSE)
