# Defaults of R survey 4.1's svrepdesign for supplied replicate weights: the
# bootstrap weights of data/apiclus1_boot.csv read as each type with no scale,
# rscales or mse given (R: scale 1/(R-1), (R-1)/R, 1/R, 4/R or 1; rscales 1;
# mse = getOption("survey.replicates.mse") = FALSE), and with mse = TRUE.
# The numbers test the defaults, not the statistical fit of each type.
#   Rscript tests/golden/golden_replicates.R      (from the repository root)
suppressPackageStartupMessages({library(survey); library(jsonlite)})
here <- function(...) file.path("tests", "golden", ...)
out <- list()
put <- function(name, value, se = NA, ...) {
  out[[name]] <<- c(list(value = as.numeric(value), se = as.numeric(se)), list(...))
}
boot <- read.csv(here("data", "apiclus1_boot.csv"))
types <- c(bootstrap = "bootstrap", jk1 = "JK1", brr = "BRR", sdr = "successive-difference",
           other = "other")
for (name in names(types)) {
  for (mse in c(FALSE, TRUE)) {
    d <- suppressWarnings(svrepdesign(data = boot, repweights = "rep[0-9]+", weights = ~pw,
                                      type = types[[name]], mse = mse))
    s <- svymean(~api00, d)
    put(sprintf("%s_mse%s_mean_api00", name, if (mse) "TRUE" else "FALSE"), coef(s), SE(s),
        scale = d$scale, rscales = unique(d$rscales), mse = d$mse)
  }
}
# Woodruff interval on a replicate design (svyquantile's default interval.type="mean")
d <- svrepdesign(data = boot, repweights = "rep[0-9]+", weights = ~pw, type = "bootstrap")
for (p in c(0.25, 0.5)) {
  q <- svyquantile(~api00, d, p)$api00
  put(sprintf("bootstrap_woodruff_%s", p), q[1, 1], q[1, 4], ci_low = q[1, 2], ci_high = q[1, 3],
      df = degf(d))
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), here("replicates.json"))
cat("wrote", length(out), "golden values to", here("replicates.json"), "\n")
