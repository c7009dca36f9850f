# Reference values for tests/test_reverse_keys.py: a negatively keyed statement before and after reversal.
# Run from the repository root:  Rscript tests/r/reverse_keys.R
# Reads  tests/reference/fixture.csv (written by tests/synthetic.py, seed 11; synthetic, fictional school names)
#        and makes ambitie_2 negatively keyed: raw = 6 - fixture (on the 1..5 scale), so reversing it
#        (psych::reverse.code, max + min - x) must give the fixture's values back.
# Writes tests/reference/r_reverse_*.csv (or into the folder given as the first argument):
#   r_reverse_keyed.csv  per respondent and wave, the four ambitie items as psych::reverse.code keys them
#   r_reverse_alpha.csv  per stage (raw, keyed) and leerlab (and "all"): n, alpha, whether psych::alpha
#                        (check.keys = FALSE) warned that items "were negatively correlated with the total
#                        scale", and which items it named (loading < 0 on the first principal component)
#   r_reverse_items.csv  per stage, leerlab and item: r.drop, alpha if deleted, the principal-component flag
# Versions used: R 4.2, psych 2.2.9.
suppressPackageStartupMessages(library(psych))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "tests/reference"
d <- read.csv("tests/reference/fixture.csv", stringsAsFactors = FALSE)
items <- c("ambitie_1", "ambitie_2", "ambitie_3", "ambitie_4")
raw <- d[, items]
raw$ambitie_2 <- 6 - raw$ambitie_2
keyed <- reverse.code(c(1, -1, 1, 1), raw, mini = 1, maxi = 5)
colnames(keyed) <- items
write.csv(data.frame(respondent_id = d$respondent_id, wave = d$wave, keyed), file.path(out, "r_reverse_keyed.csv"),
          row.names = FALSE)

alphas <- list(); rows <- list()
for (stage in c("raw", "keyed")) {
  x <- if (stage == "raw") raw else as.data.frame(keyed)
  for (lab in c("all", sort(unique(d$leerlab)))) {
    xl <- na.omit(x[if (lab == "all") TRUE else d$leerlab == lab, ])
    warned <- FALSE
    # alpha also prints the warning (cat): kept out of the script's output
    invisible(capture.output(a <- withCallingHandlers(psych::alpha(xl, check.keys = FALSE),
      warning = function(w) {
        if (grepl("negatively correlated with the total scale", conditionMessage(w))) warned <<- TRUE
        invokeRestart("muffleWarning")
      })))
    # psych's own test behind the warning: a negative loading on the first principal component
    pc <- as.vector(principal(xl, scores = FALSE)$loadings) < 0
    alphas[[paste(stage, lab)]] <- data.frame(stage = stage, leerlab = lab, n = nrow(xl),
                                              alpha = a$total$raw_alpha, warned = warned,
                                              named = paste(items[pc], collapse = ", "))
    rows[[paste(stage, lab)]] <- data.frame(stage = stage, leerlab = lab, item = rownames(a$item.stats),
                                            r_drop = a$item.stats$r.drop,
                                            alpha_if_deleted = a$alpha.drop$raw_alpha, pc_negative = pc)
  }
}
write.csv(do.call(rbind, alphas), file.path(out, "r_reverse_alpha.csv"), row.names = FALSE)
write.csv(do.call(rbind, rows), file.path(out, "r_reverse_items.csv"), row.names = FALSE)
