# Golden values for the Alkire-Foster MPI and the Human Opportunity Index on a
# small synthetic demo survey (tests/golden/data/demo_*.csv, written once by
# export_synth.py). Every deprivation is computed here in R from the raw
# variables, independently of INSAF's specification machinery; standard errors
# come from survey 4.1 (svymean, svyratio, svyby, svycontrast, svyglm, JKn
# replicates) on the design ids = EA (psu), strata = stratum, fpc = number of
# EAs in the stratum frame, weights = household weight (carried to persons).
#   Rscript tests/golden/golden_mpi.R      (from the repository root)
suppressPackageStartupMessages({library(survey); library(jsonlite)})
here <- function(...) file.path("tests", "golden", ...)
hh <- read.csv(here("data", "demo_households.csv"))
pp <- read.csv(here("data", "demo_persons.csv"))
out <- list()
put <- function(name, value, se = NA, ...) {
  out[[name]] <<- c(list(value = as.numeric(value), se = as.numeric(se)), list(...))
}
stat <- function(name, s) put(name, coef(s), SE(s))

# -- per-household deprivations from member conditions -------------------------------
# eligible: members the condition applies to; cond: the member's condition.
members <- function(eligible, cond, rule, empty = FALSE) {
  stopifnot(!any(eligible & is.na(cond)))       # no missing value among eligible members
  hit <- eligible & !is.na(cond) & cond
  n_e <- tapply(eligible, pp$hhid, sum)[as.character(hh$hhid)]
  n_c <- tapply(hit, pp$hhid, sum)[as.character(hh$hhid)]
  d <- switch(rule, any = n_c > 0, none = n_c == 0, all = n_c == n_e)
  as.numeric(ifelse(n_e == 0, empty, d))
}
small <- function(...) Reduce(`+`, list(...))

global <- with(hh, data.frame(
  nutrition = members(pp$age < 5, pp$underweight == 1 | pp$stunted == 1, "any"),
  child_mortality = as.numeric(child_death_5y == 1),
  years_of_schooling = members(pp$age >= 10, pp$years_schooling >= 6, "none"),
  school_attendance = members(pp$age >= 6 & pp$age <= 14, pp$attending_school == 0, "any"),
  cooking_fuel = as.numeric(cooking_fuel %in% 5:7),
  sanitation = as.numeric(sanitation_improved == 0),
  drinking_water = as.numeric(water_improved == 0 | water_minutes >= 30),
  electricity = as.numeric(electricity == 0),
  housing = as.numeric(floor == 5 | roof %in% 4:5 | wall %in% 4:5),
  assets = as.numeric(small(radio, tv, mobile_phone, computer, bicycle, motorcycle, fridge) <= 1 & car == 0)
))
global_w <- c(rep(1 / 6, 4), rep(1 / 18, 6))

woman <- pp$sex == 2 & pp$age >= 15 & pp$age <= 49 & !is.na(pp$age_first_marriage)
arab <- with(hh, data.frame(
  years_of_schooling = members(pp$age >= 15, pp$years_schooling >= 9, "none"),
  school_attendance = members(pp$age >= 6 & pp$age <= 15, pp$attending_school == 0, "any"),
  child_mortality = as.numeric(child_death_5y == 1),
  nutrition = members(pp$age < 5, pp$stunted == 1 | pp$underweight == 1, "any"),
  early_marriage = members(woman, pp$age_first_marriage < 18, "any"),
  electricity = as.numeric(electricity == 0),
  drinking_water = as.numeric(!(water_source %in% 1:2)),
  sanitation = as.numeric(!(sanitation %in% 1:2) | sanitation_shared == 1),
  housing = as.numeric(floor %in% 4:5 | roof %in% 4:5),
  cooking_fuel = as.numeric(cooking_fuel %in% 4:7),
  overcrowding = as.numeric(persons_per_room >= 3),
  assets = as.numeric(small(radio, tv, mobile_phone, computer, fridge, washing_machine,
                            air_conditioner, bicycle, motorcycle) <= 2 & car == 0)
))
arab_w <- c(rep(1 / 6, 2), rep(1 / 9, 3), rep(1 / 21, 7))

# person-level variables: poor, censored score, censored and uncensored deprivations
af <- function(dep, wts, k = 1 / 3) {
  score <- as.vector(as.matrix(dep) %*% wts)
  poor <- as.numeric(score >= k - 1e-9)
  v <- data.frame(poor = poor, ck = score * poor)
  for (j in seq_along(wts)) {
    name <- names(dep)[j]
    v[[paste0("d_", name)]] <- dep[[j]]
    v[[paste0("g_", name)]] <- dep[[j]] * poor
    v[[paste0("wg_", name)]] <- dep[[j]] * poor * wts[j]
  }
  v
}
design_vars <- c("hhid", "stratum", "psu", "fpc", "weight", "urban", "nationality")
person_design <- function(v) {
  h <- cbind(hh[, design_vars], v)
  d <- merge(pp[, c("pid", "hhid")], h, by = "hhid", sort = FALSE)
  svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE, data = d)
}
headline <- function(prefix, des, names) {
  stat(paste0(prefix, "_H"), svymean(~poor, des))
  stat(paste0(prefix, "_M0"), svymean(~ck, des))
  r <- svyratio(~ck, ~poor, des); put(paste0(prefix, "_A"), coef(r), SE(r))
  for (j in names) {
    stat(paste0(prefix, "_uncensored_", j), svymean(as.formula(paste0("~d_", j)), des))
    stat(paste0(prefix, "_censored_", j), svymean(as.formula(paste0("~g_", j)), des))
    r <- svyratio(as.formula(paste0("~wg_", j)), ~ck, des)
    put(paste0(prefix, "_contribution_", j), coef(r), SE(r))
  }
}

gv <- af(global, global_w)
gdes <- person_design(gv)
headline("global", gdes, names(global))
put("global_n_poor_households", sum(gv$poor))

# by area: each group's statistics, and the decomposition over the whole sample
for (u in 0:1) {
  sub <- subset(gdes, urban == u)
  stat(paste0("global_H_urban_", u), svymean(~poor, sub))
  stat(paste0("global_M0_urban_", u), svymean(~ck, sub))
  r <- svyratio(~ck, ~poor, sub); put(paste0("global_A_urban_", u), coef(r), SE(r))
  r <- svyratio(~wg_nutrition, ~ck, sub); put(paste0("global_contribution_nutrition_urban_", u), coef(r), SE(r))
  gdes <- update(gdes, inside = as.numeric(urban == u), ck_inside = ck * (urban == u))
  stat(paste0("global_population_share_urban_", u), svymean(~inside, gdes))
  r <- svyratio(~ck_inside, ~ck, gdes); put(paste0("global_contribution_of_group_urban_", u), coef(r), SE(r))
}
b <- svyby(~poor, ~urban, gdes, svymean)   # the same H by domain through svyby
for (i in seq_len(nrow(b))) put(paste0("global_svyby_H_urban_", b$urban[i]), b$poor[i], b$se[i])

# equity gap: refugees (2) against nationals (1), H and M0, with the covariance
for (v in c("poor", "ck")) {
  b <- svyby(as.formula(paste0("~", v)), ~nationality, gdes, svymean, covmat = TRUE)
  d <- svycontrast(b, c(`1` = -1, `2` = 1, `3` = 0))
  tag <- if (v == "poor") "H" else "M0"
  put(paste0("global_gap_", tag, "_difference"), coef(d), SE(d))
  r <- svycontrast(b, quote(`2` / `1`))
  put(paste0("global_gap_", tag, "_ratio"), coef(r), SE(r))
}

# households as the unit (share of households that are poor)
hdes <- svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE,
                  data = cbind(hh[, design_vars], gv))
stat("global_household_H", svymean(~poor, hdes))
r <- svyratio(~ck, ~poor, hdes); put("global_household_A", coef(r), SE(r))

# jackknife (JKn) replicates made by R
jk <- as.svrepdesign(person_design(gv), type = "JKn")
stat("global_jkn_H", svymean(~poor, jk))
stat("global_jkn_M0", svymean(~ck, jk))
r <- svyratio(~ck, ~poor, jk); put("global_jkn_A", coef(r), SE(r))

av <- af(arab, arab_w)
headline("arab", person_design(av), names(arab))

# -- Human Opportunity Index: school attendance of children aged 6-14 --------------------
pm <- merge(pp, hh, by = "hhid", sort = FALSE)
kids <- pm$age >= 6 & pm$age <= 14
stopifnot(!any(is.na(pm$attending_school[kids])))
pm$attending <- ifelse(kids, pm$attending_school, 0)
pm$kids <- kids
des <- svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE, data = pm)
form <- attending ~ sex + urban + refugee_hh + factor(head_education) + hhsize
tight <- glm.control(epsilon = 1e-14, maxit = 100)   # converge fully: goldens to 1e-8
fit <- svyglm(form, design = subset(des, kids), family = quasibinomial(), control = tight)
cf <- coef(fit); se <- SE(fit)
terms <- c("(Intercept)", "sex", "urban", "refugee_hh", paste0("head_education=", 2:6), "hhsize")
for (j in seq_along(cf)) put(paste0("hoi_coef_", terms[j]), cf[j], se[j])

hoi_parts <- function(x, y, w) {
  g <- glm.fit(x, y, weights = w / mean(w), family = quasibinomial(), control = tight)
  stopifnot(g$converged)
  p <- as.vector(g$fitted.values); N <- sum(w)
  cover <- sum(w * p) / N; S <- sum(w * abs(p - cover)); D <- S / (2 * N * cover)
  list(p = p, cover = cover, S = S, D = D, hoi = cover * (1 - D))
}
X <- model.matrix(~ sex + urban + refugee_hh + factor(head_education) + hhsize, pm)
y <- pm$attending; w <- pm$weight * kids
h <- hoi_parts(X[kids, ], y[kids], w[kids])
# linearization: z(b) = J^-1 x (y - p); the chain rule through p, S and D
xk <- X[kids, ]; yk <- y[kids]; wk <- w[kids]; p <- h$p; N <- sum(wk)
J <- t(xk) %*% (xk * (wk * p * (1 - p)))
zb <- (xk * (yk - p)) %*% solve(J)
s <- sign(p - h$cover); q <- wk * p * (1 - p)
z_cover <- (p - h$cover) / N + as.vector(zb %*% (t(xk) %*% q)) / N
z_S <- abs(p - h$cover) - sum(wk * s) * z_cover + as.vector(zb %*% (t(xk) %*% (q * s)))
z_D <- z_S / (2 * N * h$cover) - h$D * (1 / N + z_cover / h$cover)
z_hoi <- (1 - h$D) * z_cover - h$cover * z_D
full <- function(zk) { z <- numeric(nrow(pm)); z[kids] <- zk; z }
linse <- function(z) sqrt(as.numeric(svyrecvar(z * pm$weight, des$cluster, des$strata, des$fpc)))
# the coefficients' linearized SEs equal svyglm's: a check on z(b)
stopifnot(all(abs(apply(zb, 2, function(z) linse(full(z))) / se - 1) < 1e-8))
put("hoi_coverage", h$cover, linse(full(z_cover)))
put("hoi_D", h$D, linse(full(z_D)))
put("hoi", h$hoi, linse(full(z_hoi)))
stopifnot(abs(h$cover - sum(wk * yk) / N) < 1e-10)   # coverage = mean access (score equations)

# the same three statistics with JKn replicate weights: each replicate refits the model
jk <- as.svrepdesign(des, type = "JKn")
r <- withReplicates(subset(jk, kids), function(wr, data) {
  x <- model.matrix(~ sex + urban + refugee_hh + factor(head_education) + hhsize, data)
  v <- hoi_parts(x, data$attending, wr)
  c(v$cover, v$D, v$hoi)
})
put("hoi_jkn_coverage", coef(r)[1], SE(r)[1])
put("hoi_jkn_D", coef(r)[2], SE(r)[2])
put("hoi_jkn", coef(r)[3], SE(r)[3])

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), here("mpi.json"))
cat("wrote", length(out), "golden values to", here("mpi.json"), "\n")
