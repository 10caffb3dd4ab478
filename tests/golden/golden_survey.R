# Golden values from R survey 4.1 on its api data (tests/golden/data/api*.csv):
# stratified with fpc (population counts and fractions), one-stage cluster
# with fpc, domains, Woodruff quantiles, lonely-PSU rules, replicate designs
# (JKn, JK1, and bootstrap replicate weights written to data/ for reuse), and
# the three quantile rules on a small sample where F hits 0.5 exactly.
#   Rscript tests/golden/golden_survey.R      (from the repository root)
suppressPackageStartupMessages({library(survey); library(laeken); library(jsonlite)})
here <- function(...) file.path("tests", "golden", ...)
rd <- function(name) read.csv(here("data", paste0(name, ".csv")))
out <- list()
put <- function(name, value, se = NA, ...) {
  out[[name]] <<- c(list(value = as.numeric(value), se = as.numeric(se)), list(...))
}
stat <- function(name, s) put(name, coef(s), SE(s))

strat <- rd("apistrat"); clus1 <- rd("apiclus1"); clus2 <- rd("apiclus2")
dstrat <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat)
dfrac <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~frac, data = strat)
dnofpc <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, data = strat)
dclus1 <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1)
dclus2 <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc1, data = clus2)  # first stage only

stat("strat_mean_api00", svymean(~api00, dstrat))
stat("strat_total_enroll", svytotal(~enroll, dstrat))
stat("frac_mean_api00", svymean(~api00, dfrac))
stat("nofpc_mean_api00", svymean(~api00, dnofpc))
r <- svyratio(~api00, ~api99, dstrat); put("strat_ratio_api00_api99", coef(r), SE(r))
stat("clus1_mean_api00", svymean(~api00, dclus1))
stat("clus1_total_enroll", svytotal(~enroll, dclus1))
stat("clus2_mean_api00", svymean(~api00, dclus2))
b <- svyby(~api00, ~stype, dclus1, svymean)
for (i in seq_len(nrow(b))) put(paste0("clus1_mean_api00_stype_", b$stype[i]), b$api00[i], b$se[i])
b <- svyby(~enroll, ~stype, dclus1, svytotal)
for (i in seq_len(nrow(b))) put(paste0("clus1_total_enroll_stype_", b$stype[i]), b$enroll[i], b$se[i])
strat$high <- as.numeric(strat$meals > 50)
stat("strat_prop_meals50", svymean(~high, dstrat <- update(dstrat, high = as.numeric(meals > 50))))
q <- svyquantile(~api00, dclus1, c(0.25, 0.5))$api00
put("clus1_quantile_0.25", q[1, 1], q[1, "se"], ci_low = q[1, 2], ci_high = q[1, 3])
put("clus1_quantile_0.5", q[2, 1], q[2, "se"], ci_low = q[2, 2], ci_high = q[2, 3])
q <- svyquantile(~api00, dstrat, 0.5)$api00
put("strat_quantile_0.5", q[1, 1], q[1, "se"], ci_low = q[1, 2], ci_high = q[1, 3])

# differences with covariance: domains (svyby covmat + svycontrast), two variables
b <- svyby(~api00, ~stype, dclus1, svymean, covmat = TRUE)
d <- svycontrast(b, c(E = 1, H = -1, M = 0)); put("clus1_diff_mean_api00_E_H", coef(d), SE(d))
mm <- svymean(~api00 + api99, dclus1)
d <- svycontrast(mm, c(api00 = 1, api99 = -1)); put("clus1_diff_mean_api00_api99", coef(d), SE(d))
d <- svycontrast(mm, quote(api00 / api99)); put("clus1_ratio_mean_api00_api99", coef(d), SE(d))

# lonely PSU rules (one high school left)
lonely <- rd("apistrat_lonely")
for (rule in c("remove", "adjust", "average", "certainty")) {
  options(survey.lonely.psu = rule)
  d <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, data = lonely)
  stat(paste0("lonely_", rule, "_mean_api00"), svymean(~api00, d))
  stat(paste0("lonely_", rule, "_total_enroll"), svytotal(~enroll, d))
  if (rule != "certainty") {
    jk <- as.svrepdesign(d, type = "JKn")
    stat(paste0("lonely_", rule, "_jkn_mean_api00"), svymean(~api00, jk))
  }
}
options(survey.lonely.psu = "fail")

# replicate designs made by R from the linearization designs
gini_osier <- function(x, wt) {
  o <- order(x); x <- x[o]; wt <- wt[o]
  (2 * sum(cumsum(wt) * wt * x) - sum(wt * x)) / (sum(wt) * sum(wt * x)) - 1
}
jkn <- as.svrepdesign(dstrat, type = "JKn")
stat("strat_jkn_mean_api00", svymean(~api00, jkn))
stat("strat_jkn_total_enroll", svytotal(~enroll, jkn))
g <- withReplicates(jkn, function(w, data) gini_osier(data$api00, w))
put("strat_jkn_gini_api00", coef(g), SE(g))
jk1 <- as.svrepdesign(dclus1, type = "JK1")
stat("clus1_jk1_mean_api00", svymean(~api00, jk1))
g <- withReplicates(jk1, function(w, data) gini_osier(data$api00, w))
put("clus1_jk1_gini_api00", coef(g), SE(g))
b <- svyby(~api00, ~stype, jk1, svymean)
for (i in seq_len(nrow(b))) put(paste0("clus1_jk1_mean_api00_stype_", b$stype[i]), b$api00[i], b$se[i])

# bootstrap replicate weights from R, saved so INSAF can use them as supplied replicates
set.seed(20240601)
dclus1_nofpc <- svydesign(ids = ~dnum, weights = ~pw, data = clus1)
boot <- as.svrepdesign(dclus1_nofpc, type = "bootstrap", replicates = 50)
rw <- weights(boot, type = "analysis")
colnames(rw) <- sprintf("rep%02d", seq_len(ncol(rw)))
write.csv(cbind(clus1[, c("cds", "stype", "dnum", "api00", "enroll", "pw")], rw),
          here("data", "apiclus1_boot.csv"), row.names = FALSE)
put("boot_scale", boot$scale); put("boot_mse", as.numeric(boot$mse))
stat("clus1_boot_mean_api00", svymean(~api00, boot))
g <- withReplicates(boot, function(w, data) gini_osier(data$api00, w))
put("clus1_boot_gini_api00", coef(g), SE(g))
b <- svyby(~api00, ~stype, boot, svymean)
for (i in seq_len(nrow(b))) put(paste0("clus1_boot_mean_api00_stype_", b$stype[i]), b$api00[i], b$se[i])

# quantile rules where F hits 0.5 exactly: 1..10, equal weights
tie <- data.frame(y = as.numeric(1:10), w = 1)
dt <- svydesign(ids = ~1, weights = ~w, data = tie)
put("tie_math", coef(svyquantile(~y, dt, 0.5, qrule = "math", ci = FALSE))[1])
put("tie_school", coef(svyquantile(~y, dt, 0.5, qrule = "school", ci = FALSE))[1])
put("tie_laeken", weightedQuantile(tie$y, tie$w, 0.5))

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), here("survey.json"))
cat("wrote", length(out), "golden values to", here("survey.json"), "\n")
