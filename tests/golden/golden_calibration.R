# Golden values for calibrated weights from R survey 4.1: calibrate (linear,
# bounded linear, logit, raking distances, trimming), postStratify, rake,
# calibration of replicate weights (each replicate recalibrated), and
# integrated household weighting (household weights calibrated to person
# totals: each household carries its number of members per category).
#   Rscript tests/golden/golden_calibration.R      (from the repository root)
suppressPackageStartupMessages({library(survey); library(jsonlite)})
here <- function(...) file.path("tests", "golden", ...)
rd <- function(name) read.csv(here("data", paste0(name, ".csv")))
out <- list()
put <- function(name, value, se = NA, ...) {
  out[[name]] <<- c(list(value = as.numeric(value), se = as.numeric(se)), list(...))
}
stat <- function(name, s) put(name, coef(s), SE(s))
tight <- 1e-13  # converge far below the goldens' tolerance

clus1 <- rd("apiclus1")
clus1$poor <- as.integer(clus1$meals > 50)  # a second category for domains and raking
dclus1 <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1)
pop <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018)
pop99 <- c(pop, api99 = 3914069)

both <- function(prefix, d) {
  stat(paste0(prefix, "_mean_api00"), svymean(~api00, d))
  stat(paste0(prefix, "_total_enroll"), svytotal(~enroll, d))
  b <- svyby(~api00, ~poor, d, svymean)
  for (i in seq_len(nrow(b))) put(paste0(prefix, "_mean_api00_poor_", b$poor[i]), b$api00[i], b$se[i])
  put(paste0(prefix, "_weights_head"), head(weights(d), 5))
}

both("linear", calibrate(dclus1, ~stype, pop, epsilon = tight))
both("linear99", calibrate(dclus1, ~stype + api99, pop99, epsilon = tight))
g <- calibrate(dclus1, ~stype + api99, pop99, bounds = c(0.5, 1.7), epsilon = tight, maxit = 200)
both("bounded", g); put("bounded_range", range(weights(g) / weights(dclus1)))
both("logit", calibrate(dclus1, ~stype + api99, pop99, bounds = c(0.5, 1.7), calfun = "logit",
                        epsilon = tight))
both("raking", calibrate(dclus1, ~stype + api99, pop99, calfun = "raking", epsilon = tight))
# R applies trim only on its iterative path (linear without bounds skips it), so bounds
# that do not bind send this one there
g <- calibrate(dclus1, ~stype + api99, pop99, bounds = c(0.1, 10), trim = c(0.5, 1.7), epsilon = tight)
both("trimmed", g); put("trimmed_range", range(weights(g) / weights(dclus1)))

types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
poor <- data.frame(poor = c(0, 1), Freq = c(3400, 2794))
both("post", postStratify(dclus1, ~stype, types))
both("rake", rake(dclus1, list(~stype, ~poor), list(types, poor),
                  control = list(maxit = 200, epsilon = 1e-15)))

# replicate weights: each JK1 replicate is calibrated again (calibrate.svyrep.design)
jk1 <- as.svrepdesign(dclus1, type = "JK1")
r <- calibrate(jk1, ~stype + api99, pop99, epsilon = tight)
stat("jk1_linear99_mean_api00", svymean(~api00, r))
stat("jk1_linear99_total_enroll", svytotal(~enroll, r))

# integrated household weighting on the demo survey: one weight per household,
# calibrated to person totals by sex and by age group (counts of members)
hh <- rd("demo_households"); pp <- rd("demo_persons")
pp$young <- as.numeric(pp$age < 15); pp$old <- as.numeric(pp$age >= 65)
pp$male <- as.numeric(pp$sex == 1); pp$female <- as.numeric(pp$sex == 2)
agg <- aggregate(cbind(members = 1, male, female, young, old, age) ~ hhid, data = pp, FUN = sum)
hh <- merge(hh, agg, by = "hhid", sort = FALSE)
hh <- hh[order(hh$hhid), ]
dh <- svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, data = hh)
est <- svytotal(~male + female + young + old, dh)
totals <- c(male = 1.03 * coef(est)[["male"]], female = 0.98 * coef(est)[["female"]])
totals <- c(totals, young = 1.05 * coef(est)[["young"]], old = 0.9 * coef(est)[["old"]])
put("integrated_totals", totals)
gh <- calibrate(dh, ~ 0 + male + female + young + old, totals, epsilon = tight)
r <- svyratio(~age, ~members, gh); put("integrated_person_mean_age", coef(r), SE(r))
stat("integrated_household_mean_consumption", svymean(~consumption_pc, gh))
put("integrated_weights_head", head(weights(gh), 5))

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), here("calibration.json"))
cat("wrote", length(out), "golden values to", here("calibration.json"), "\n")
