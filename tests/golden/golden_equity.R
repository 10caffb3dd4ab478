# Golden values for decompositions and equity gaps on laeken's eusilc
# (tests/golden/data/eusilc.csv), design ids = household (db030), strata =
# region (db040), weights = rb050.
#
# - FGT by subgroup with an absolute line: svymean/svyby/svyratio of
#   per-person variables (group FGT, population share, absolute and
#   percentage contribution).
# - FGT by subgroup with a relative line (0.6 x median): influence functions
#   written out from the formulas (convey's ARPT linearization and kernel
#   density, as in golden_eusilc.R), variance from svyrecvar.
# - GE between/within groups (alpha 0, 1, 2): svycontrast of nonlinear
#   functions of svytotal group totals (R's symbolic derivatives: independent
#   of INSAF's hand-derived influence functions).
# - Equity gaps: svyby(covmat = TRUE) + svycontrast for differences and ratios;
#   the ARPR gap from the formulas.
#   Rscript tests/golden/golden_equity.R      (from the repository root)
suppressPackageStartupMessages({library(survey); library(jsonlite)})
here <- function(...) file.path("tests", "golden", ...)
eu <- read.csv(here("data", "eusilc.csv"))
des <- svydesign(ids = ~db030, strata = ~db040, weights = ~rb050, data = eu)
w <- eu$rb050; y <- eu$eqIncome; N <- sum(w)
out <- list()
put <- function(name, value, se = NA, ...) {
  out[[name]] <<- c(list(value = as.numeric(value), se = as.numeric(se)), list(...))
}
stat <- function(name, s) put(name, coef(s), SE(s))
linse <- function(z) sqrt(as.numeric(svyrecvar(z * w, des$cluster, des$strata, des$fpc)))
regions <- sort(unique(eu$db040))
tag <- function(s) gsub("[^A-Za-z]", "", s)

## FGT decomposition, absolute line 10000, by region ---------------------------------
line <- 10000
for (alpha in 0:2) {
  h <- ifelse(y < line, ((line - y) / line)^alpha, 0)
  eu$h <- h
  for (g in regions) {
    eu[[paste0("in_", tag(g))]] <- as.numeric(eu$db040 == g)
    eu[[paste0("h_", tag(g))]] <- h * (eu$db040 == g)
  }
  d <- svydesign(ids = ~db030, strata = ~db040, weights = ~rb050, data = eu)
  stat(sprintf("fgtdec%d_all", alpha), svymean(~h, d))
  b <- svyby(~h, ~db040, d, svymean)
  for (i in seq_len(nrow(b))) {
    g <- b$db040[i]; key <- sprintf("fgtdec%d_%s", alpha, tag(g))
    put(paste0(key, "_fgt"), b$h[i], b$se[i])
    stat(paste0(key, "_population_share"), svymean(as.formula(paste0("~in_", tag(g))), d))
    stat(paste0(key, "_contribution"), svymean(as.formula(paste0("~h_", tag(g))), d))
    r <- svyratio(as.formula(paste0("~h_", tag(g))), ~h, d)
    put(paste0(key, "_contribution_share"), coef(r), SE(r))
  }
}

## FGT decomposition, relative line, by sex (formulas) -------------------------------
cq <- function(x, wt, p) {            # convey computeQuantiles: min{x : F(x) >= p}
  o <- order(x); cw <- cumsum(wt[o]) / sum(wt)
  approxfun(cw, x[o], method = "constant", f = 1, yleft = min(x), yright = max(x), ties = min)(p)
}
hband <- function(x, wt) { n <- sum(wt); sqrt((sum(wt * x^2) - sum(wt * x)^2 / n) / n) / exp(0.2 * log(n)) }
dens <- function(x, wt, at, h = hband(x, wt)) sum(wt * dnorm((at - x) / h)) / (sum(wt) * h)
med <- cq(y, w, 0.5)
t <- 0.6 * med
zt <- 0.6 * -((y <= med) - 0.5) / (N * dens(y, w, med))
put("relative_line", t)
poor <- y < t
for (alpha in 0:1) {
  h <- if (alpha == 0) as.numeric(poor) else ifelse(poor, (t - y) / t, 0)
  P <- sum(w * h) / N
  # dP/dt: whole-sample density (alpha 0), or sum w poor y / (t^2 N) (alpha 1)
  sP <- if (alpha == 0) dens(y, w, t) else sum(w * poor * y) / (t^2 * N)
  for (s in c("female", "male")) {
    g <- eu$rb090 == s
    A <- sum(w * h * g) / N
    sA <- if (alpha == 0) sum(w[g]) / N * dens(y[g], w[g], t) else sum(w * poor * g * y) / (t^2 * N)
    zA <- (h * g - A) / N + sA * zt
    zP <- (h - P) / N + sP * zt
    key <- sprintf("fgtdec%d_relative_%s", alpha, s)
    put(paste0(key, "_contribution"), A, linse(zA))
    put(paste0(key, "_contribution_share"), A / P, linse((zA - A / P * zP) / P))
  }
}

## GE between and within regions (positive incomes), svycontrast of totals ------------
pos <- y > 0
eu$npos <- as.numeric(pos); eu$ypos <- ifelse(pos, y, 0)
eu$y2 <- ifelse(pos, y^2, 0); eu$ly <- ifelse(pos, log(pmax(y, 1e-300)), 0)
eu$yly <- ifelse(pos, y * log(pmax(y, 1e-300)), 0)
vars <- c("npos", "ypos", "y2", "ly", "yly")
for (g in regions) {
  eu[[paste0("n_", tag(g))]] <- eu$npos * (eu$db040 == g)
  eu[[paste0("y_", tag(g))]] <- eu$ypos * (eu$db040 == g)
  vars <- c(vars, paste0("n_", tag(g)), paste0("y_", tag(g)))
}
d <- svydesign(ids = ~db030, strata = ~db040, weights = ~rb050, data = eu)
tot <- svytotal(as.formula(paste("~", paste(vars, collapse = "+"))), d)
e <- function(text) parse(text = text)[[1]]
terms <- function(fmt) paste(sprintf(fmt, tag(regions)), collapse = " + ")   # %1$s = region
ge_total <- list(
  `0` = "log(ypos / npos) - ly / npos",
  `1` = "yly / ypos - log(ypos / npos)",
  `2` = "(y2 * npos / ypos^2 - 1) / 2"
)
ge_between <- list(
  `0` = paste0("log(ypos / npos) - (", terms("n_%1$s * log(y_%1$s / n_%1$s)"), ") / npos"),
  `1` = paste0("(", terms("y_%1$s * log((y_%1$s / n_%1$s) * (npos / ypos))"), ") / ypos"),
  `2` = paste0("((", terms("y_%1$s^2 / n_%1$s"), ") * npos / ypos^2 - 1) / 2")
)
for (a in c("0", "1", "2")) {
  tt <- ge_total[[a]]; bb <- ge_between[[a]]
  r <- svycontrast(tot, list(
    total = e(tt), between = e(bb),
    within = e(paste0("(", tt, ") - (", bb, ")")),
    share = e(paste0("(", bb, ") / (", tt, ")"))
  ))
  for (k in names(coef(r))) put(sprintf("ge%s_%s", a, k), coef(r)[k], SE(r)[k])
}
for (g in regions) {
  r <- svyratio(as.formula(paste0("~n_", tag(g))), ~npos, d)
  put(sprintf("gedec_%s_population_share", tag(g)), coef(r), SE(r))
  r <- svyratio(as.formula(paste0("~y_", tag(g))), ~ypos, d)
  put(sprintf("gedec_%s_income_share", tag(g)), coef(r), SE(r))
}
put("ge_n_nonpositive", sum(!pos))

## Equity gaps: svyby(covmat = TRUE) + svycontrast -----------------------------------
eu$poor <- as.numeric(y < line)
d <- svydesign(ids = ~db030, strata = ~db040, weights = ~rb050, data = eu)
for (v in c("poor", "eqIncome")) {
  b <- svyby(as.formula(paste0("~", v)), ~rb090, d, svymean, covmat = TRUE)
  r <- svycontrast(b, c(female = 1, male = -1)); put(paste0("gap_", v, "_difference"), coef(r), SE(r))
  r <- svycontrast(b, quote(female / male)); put(paste0("gap_", v, "_ratio"), coef(r), SE(r))
}
b <- svyby(~poor, ~db040 + rb090, d, svymean, covmat = TRUE)
for (g in c("Vienna", "Tyrol")) {
  cc <- setNames(rep(0, nrow(b)), rownames(b))
  cc[paste0(g, ".female")] <- 1; cc[paste0(g, ".male")] <- -1
  r <- svycontrast(b, cc); put(paste0("gap_poor_difference_", g), coef(r), SE(r))
  r <- svycontrast(b, e(sprintf("`%s.female` / `%s.male`", g, g)))
  put(paste0("gap_poor_ratio_", g), coef(r), SE(r))
}
# the ARPR gap between women and men (threshold shared; formulas as golden_eusilc.R)
arpr_lin <- function(g) {
  Ng <- sum(w[g]); rate <- sum(w[g] * poor[g]) / Ng
  z <- numeric(length(y)); z[g] <- (poor[g] - rate) / Ng
  list(value = rate, z = z + dens(y[g], w[g], t) * zt)
}
af <- arpr_lin(eu$rb090 == "female"); am <- arpr_lin(eu$rb090 == "male")
put("gap_arpr_difference", af$value - am$value, linse(af$z - am$z))
R <- af$value / am$value
put("gap_arpr_ratio", R, linse((af$z - R * am$z) / am$value))

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), here("equity.json"))
cat("wrote", length(out), "golden values to", here("equity.json"), "\n")
