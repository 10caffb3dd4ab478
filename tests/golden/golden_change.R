# Golden values for the decomposition of a change in poverty (tests/measures/test_change.py):
# Datt-Ravallion growth/redistribution/residual and its Shapley split, and the
# Ravallion-Huppi sectoral decomposition by stype, written out in R from the
# formulas and recomputed for each replicate by survey's withReplicates on the
# bootstrap replicate weights of data/apiclus1_boot.csv (svrepdesign defaults).
# End distribution: api00 / 2 + 330 (exact in binary); start: api00; line 600.
#   Rscript tests/golden/golden_change.R      (from the repository root)
suppressPackageStartupMessages({library(survey); library(jsonlite)})
here <- function(...) file.path("tests", "golden", ...)
boot <- read.csv(here("data", "apiclus1_boot.csv"))
boot$after <- boot$api00 / 2 + 330
d <- svrepdesign(data = boot, repweights = "rep[0-9]+", weights = ~pw, type = "bootstrap")
fgt <- function(y, w, z, a) {
  poor <- y < z
  h <- if (a == 0) as.numeric(poor) else poor * (pmax(z - y, 0) / z)^a
  sum(w * h) / sum(w)
}
out <- list()
for (a in c(0, 1, 2)) {
  growth <- function(w, data) {
    y2 <- data$after; y1 <- data$api00; z <- 600
    mu2 <- sum(w * y2) / sum(w); mu1 <- sum(w * y1) / sum(w)
    p1 <- fgt(y1, w, z, a); p2 <- fgt(y2, w, z, a)
    grown <- fgt(y1, w, z * mu1 / mu2, a); spread <- fgt(y2, w, z * mu2 / mu1, a)
    g <- grown - p1; r <- spread - p1
    c(p1, p2, p2 - p1, g, r, p2 - p1 - g - r, (g + p2 - spread) / 2, (r + p2 - grown) / 2)
  }
  s <- withReplicates(d, growth)
  names_dr <- c("fgt.start", "fgt.end", "change", "growth", "redistribution", "residual",
                "growth.shapley", "redistribution.shapley")
  for (j in seq_along(names_dr)) {
    out[[sprintf("dr_a%g_%s", a, names_dr[j])]] <- list(value = as.numeric(coef(s)[j]),
                                                       se = as.numeric(SE(s)[j]))
  }
  groups <- sort(unique(boot$stype))
  sectoral <- function(w, data) {
    z <- 600; parts <- NULL
    for (g in groups) {
      m <- data$stype == g
      s2 <- sum(w[m]) / sum(w); s1 <- s2
      p2 <- fgt(data$after[m], w[m], z, a); p1 <- fgt(data$api00[m], w[m], z, a)
      parts <- rbind(parts, c(s1 * (p2 - p1), p1 * (s2 - s1), (s2 - s1) * (p2 - p1)))
    }
    totals <- colSums(parts)
    c(sum(totals), totals, as.vector(t(parts)))
  }
  s <- withReplicates(d, sectoral)
  names_s <- c("change", "within", "shift", "interaction",
               as.vector(t(outer(groups, c("within", "shift", "interaction"), paste, sep = "."))))
  for (j in seq_along(names_s)) {
    out[[sprintf("sector_a%g_%s", a, names_s[j])]] <- list(value = as.numeric(coef(s)[j]),
                                                          se = as.numeric(SE(s)[j]))
  }
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           here("change.json"))
cat("wrote", length(out), "golden values to", here("change.json"), "\n")
