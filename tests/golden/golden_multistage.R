# Golden values for a two-stage design from R survey 4.1: apiclus2 (districts,
# then schools within districts, fpc at both stages). R's default adds the
# second stage's variance (survey:::multistage); the ultimate-cluster option
# keeps the first stage only.
#   Rscript tests/golden/golden_multistage.R      (from the repository root)
suppressPackageStartupMessages({library(survey); library(jsonlite)})
here <- function(...) file.path("tests", "golden", ...)
out <- list()
put <- function(name, value, se = NA, ...) {
  out[[name]] <<- c(list(value = as.numeric(value), se = as.numeric(se)), list(...))
}
stat <- function(name, s) put(name, coef(s), SE(s))

clus2 <- read.csv(here("data", "apiclus2.csv"))
d2 <- svydesign(ids = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = clus2)
stat("two_stage_mean_api00", svymean(~api00, d2))
stat("two_stage_total_api99", svytotal(~api99, d2))
r <- svyratio(~api00, ~api99, d2); put("two_stage_ratio_api00_api99", coef(r), SE(r))
b <- svyby(~api00, ~stype, d2, svymean)
for (i in seq_len(nrow(b))) put(paste0("two_stage_mean_api00_stype_", b$stype[i]), b$api00[i], b$se[i])
q <- svyquantile(~api00, d2, 0.5)$api00
put("two_stage_median_api00", q[1, 1], q[1, "se"], ci_low = q[1, 2], ci_high = q[1, 3])
options(survey.ultimate.cluster = TRUE)
stat("ultimate_mean_api00", svymean(~api00, d2))
stat("ultimate_total_api99", svytotal(~api99, d2))
options(survey.ultimate.cluster = FALSE)

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), here("multistage.json"))
cat("wrote", length(out), "golden values to", here("multistage.json"), "\n")
