# Golden values on laeken's eusilc data (tests/golden/data/eusilc.csv).
#   Rscript tests/golden/golden_eusilc.R      (from the repository root)
# Point estimates: laeken 0.5.2 (Eurostat conventions), survey 4.1 (svymean,
# svyby, svyquantile). Linearized standard errors: the convey/Osier influence
# functions written out below from the published formulas (convey is not
# installed here), with the variance from survey::svyrecvar on the design
# ids = household (db030), strata = region (db040), weights = rb050.
suppressPackageStartupMessages({library(survey); library(laeken); library(jsonlite)})
here <- function(...) file.path("tests", "golden", ...)
eu <- read.csv(here("data", "eusilc.csv"))
des <- svydesign(ids = ~db030, strata = ~db040, weights = ~rb050, data = eu)
w <- eu$rb050; y <- eu$eqIncome
out <- list()
put <- function(name, value, se = NA, ...) {
  out[[name]] <<- c(list(value = as.numeric(value), se = as.numeric(se)), list(...))
}
linse <- function(z) sqrt(as.numeric(svyrecvar(z * w, des$cluster, des$strata, des$fpc)))

## laeken point estimates (percentages in laeken, fractions here) ----------
a <- arpr("eqIncome", weights = "rb050", data = eu)
put("laeken_arpr", a$value / 100, threshold = unname(a$threshold))
ab <- arpr("eqIncome", weights = "rb050", breakdown = "db040", data = eu)
for (i in seq_len(nrow(ab$valueByStratum)))
  put(paste0("laeken_arpr_db040_", ab$valueByStratum$stratum[i]), ab$valueByStratum$value[i] / 100)
put("laeken_qsr", qsr("eqIncome", weights = "rb050", data = eu)$value)
r <- rmpg("eqIncome", weights = "rb050", data = eu)
put("laeken_rmpg", r$value / 100, threshold = unname(r$threshold))
put("laeken_gini", gini("eqIncome", weights = "rb050", data = eu)$value / 100)
gb <- gini("eqIncome", weights = "rb050", breakdown = "rb090", data = eu)
for (i in seq_len(nrow(gb$valueByStratum)))
  put(paste0("laeken_gini_rb090_", gb$valueByStratum$stratum[i]), gb$valueByStratum$value[i] / 100)
q <- incQuintile("eqIncome", weights = "rb050", data = eu, k = c(1, 2, 4))
put("laeken_q20", q[1]); put("laeken_q40", q[2]); put("laeken_q80", q[3])
put("laeken_median", incMedian("eqIncome", weights = "rb050", data = eu))

## survey: means, domains, Woodruff quantiles -------------------------------
m <- svymean(~eqIncome, des); put("svymean", coef(m), SE(m))
t <- svytotal(~eqIncome, des); put("svytotal", coef(t), SE(t))
mb <- svyby(~eqIncome, ~rb090, des, svymean)
for (i in seq_len(nrow(mb))) put(paste0("svymean_rb090_", mb$rb090[i]), mb$eqIncome[i], mb$se[i])
for (p in c(0.2, 0.5, 0.8)) {
  sq <- svyquantile(~eqIncome, des, p)          # qrule = "math", Woodruff (interval.type = "mean")
  v <- sq$eqIncome
  put(sprintf("svyquantile_%g", p), v[1, "quantile"], v[1, "se"], ci_low = v[1, 2], ci_high = v[1, 3])
}
sqb <- svyby(~eqIncome, ~rb090, des, svyquantile, quantiles = 0.5, keep.var = TRUE)
for (i in seq_len(nrow(sqb))) put(paste0("svyquantile_0.5_rb090_", sqb$rb090[i]), sqb$eqIncome[i], sqb[i, "se.eqIncome"])

## convey-style linearization, written from the formulas -------------------
cq <- function(x, wt, p) {            # convey computeQuantiles: min{x : F(x) >= p}
  o <- order(x); cw <- cumsum(wt[o]) / sum(wt)
  approxfun(cw, x[o], method = "constant", f = 1, yleft = min(x), yright = max(x), ties = min)(p)
}
hband <- function(x, wt) { N <- sum(wt); sqrt((sum(wt * x^2) - sum(wt * x)^2 / N) / N) / exp(0.2 * log(N)) }
dens <- function(x, wt, at, h = hband(x, wt)) sum(wt * dnorm((at - x) / h)) / (sum(wt) * h)
bigs <- function(x, wt, at, h = hband(x, wt)) sum(wt * x * dnorm((at - x) / h)) / h
qlin <- function(x, wt, p) {          # value and influence of a quantile (svyiqalpha)
  qv <- cq(x, wt, p); list(value = qv, z = -((x <= qv) - p) / (sum(wt) * dens(x, wt, qv)))
}
for (p in c(0.2, 0.5, 0.8)) { l <- qlin(y, w, p); put(sprintf("kernel_quantile_%g", p), l$value, linse(l$z)) }

gini_lin <- function(x, wt, estimator = "osier") {
  o <- order(x); xs <- x[o]; ws <- wt[o]
  r <- cumsum(ws); N <- sum(ws); Y <- sum(ws * xs)
  second <- if (estimator == "osier") Y else sum(ws^2 * xs)
  G <- (2 * sum(r * ws * xs) - second) / (N * Y) - 1
  tail <- rev(cumsum(rev(ws * xs)))
  own <- if (estimator == "osier") xs else 2 * ws * xs
  zs <- (2 * (r * xs + tail) - own - (G + 1) * (Y + N * xs)) / (N * Y)
  z <- numeric(length(x)); z[o] <- zs
  list(value = G, z = z)
}
g <- gini_lin(y, w); put("gini_osier", g$value, linse(g$z))
g <- gini_lin(y, w, "eurostat"); put("gini_eurostat", g$value, linse(g$z))
for (s in c("female", "male")) {
  d <- eu$rb090 == s
  for (est in c("osier", "eurostat")) {
    g <- gini_lin(y[d], w[d], est); z <- numeric(length(y)); z[d] <- g$z
    put(paste0("gini_", est, "_rb090_", s), g$value, linse(z))
  }
}

# difference of the Gini between women and men: influence values subtract
zf <- numeric(length(y)); zm <- numeric(length(y))
d <- eu$rb090 == "female"; gf <- gini_lin(y[d], w[d]); zf[d] <- gf$z
d <- eu$rb090 == "male"; gm <- gini_lin(y[d], w[d]); zm[d] <- gm$z
put("gini_osier_diff_female_male", gf$value - gm$value, linse(zf - zm))

# ARPT and ARPR: threshold on the whole population, density of the domain
arpt_lin <- function() { l <- qlin(y, w, 0.5); list(value = 0.6 * l$value, z = 0.6 * l$z) }
A <- arpt_lin(); put("arpt", A$value, linse(A$z))
arpr_lin <- function(d, strict) {
  poor <- if (strict) y < A$value else y <= A$value
  Nd <- sum(w[d]); rate <- sum(w[d] * poor[d]) / Nd
  z <- numeric(length(y)); z[d] <- (poor[d] - rate) / Nd
  list(value = rate, z = z + dens(y[d], w[d], A$value) * A$z)
}
all <- rep(TRUE, length(y))
for (strict in c(TRUE, FALSE)) {
  tag <- if (strict) "lt" else "le"
  l <- arpr_lin(all, strict); put(paste0("arpr_", tag), l$value, linse(l$z))
  for (s in sort(unique(eu$db040))) {
    l <- arpr_lin(eu$db040 == s, strict); put(paste0("arpr_", tag, "_db040_", s), l$value, linse(l$z))
  }
}

# RMPG (svyrmpg / svypoormed): median of the poor, same bandwidth for both densities
rmpg_lin <- function(strict) {
  t <- A$value; poor <- if (strict) y < t else y <= t
  medp <- cq(y[poor], w[poor], 0.5)
  h <- hband(y, w); N <- sum(w)
  ifm <- ((y <= medp) - 0.5 * poor) / N
  linmedp <- (0.5 * dens(y, w, t, h) * A$z - ifm) / dens(y, w, medp, h)
  list(value = 1 - medp / t, z = medp * A$z / t^2 - linmedp / t)
}
l <- rmpg_lin(TRUE); put("rmpg_lt", l$value, linse(l$z))
l <- rmpg_lin(FALSE); put("rmpg_le", l$value, linse(l$z))

# Quantile share totals and ratios (svyisq / svyqsr)
isq <- function(p, h) {
  if (p >= 1) return(list(value = sum(w * y), z = y))
  l <- qlin(y, w, p); b <- y <= l$value
  list(value = sum(w * y * b), z = y * b + bigs(y, w, l$value, h) * l$z)
}
h0 <- hband(y, w)
share_ratio <- function(lo, hi) {
  a <- isq(lo, h0); b <- isq(hi, h0); top <- sum(w * y) - b$value
  list(value = top / a$value, z = (a$value * (y - b$z) - top * a$z) / a$value^2)
}
l <- share_ratio(0.2, 0.8); put("qsr", l$value, linse(l$z))
l <- share_ratio(0.4, 0.9); put("palma", l$value, linse(l$z))
for (p in c(0.2, 0.5)) { a <- isq(p, h0); Y <- sum(w * y)
  put(sprintf("lorenz_%g", p), a$value / Y, linse((a$z - a$value / Y * y) / Y)) }
for (j in 1:5) {
  hi <- isq(j / 5, h0); lo <- if (j == 1) list(value = 0, z = 0 * y) else isq((j - 1) / 5, h0)
  Y <- sum(w * y); v <- (hi$value - lo$value) / Y
  put(sprintf("share_%d_5", j), v, linse((hi$z - lo$z - v * y) / Y))
}
qa <- qlin(y, w, 0.9); qb <- qlin(y, w, 0.1); R <- qa$value / qb$value
put("p90_p10", R, linse((qa$z - R * qb$z) / qb$value))

# FGT with an absolute line, overall and by sex; Watts; Sen; gap in money
line <- 10000
N <- sum(w)
for (alpha in 0:2) {
  for (s in c("all", "female", "male")) {
    d <- if (s == "all") all else eu$rb090 == s
    poor <- y < line; h <- ifelse(poor, ((line - y) / line)^alpha, 0)
    Nd <- sum(w[d]); P <- sum(w[d] * h[d]) / Nd
    z <- numeric(length(y)); z[d] <- (h[d] - P) / Nd
    put(sprintf("fgt%d_%s", alpha, s), P, linse(z))
  }
}
# FGT with a relative line (0.6 median), alpha = 1 and 2: smooth derivative in t
for (alpha in 1:2) {
  t <- A$value; poor <- y < t; g <- ifelse(poor, (t - y) / t, 0)
  P <- sum(w * g^alpha) / N
  slope <- alpha * sum(w * poor * ifelse(poor, g, 1)^(alpha - 1) * y) / (t^2 * N)
  put(sprintf("fgt%d_relative", alpha), P, linse((g^alpha - P) / N + slope * A$z))
}
watts_h <- ifelse(y < line, log(line / y), 0)   # all eqIncome > 0 here? checked below
pos <- y > 0
Wt <- sum(w[pos] * watts_h[pos]) / sum(w[pos])
zw <- numeric(length(y)); zw[pos] <- (watts_h[pos] - Wt) / sum(w[pos])
put("watts_exclude", Wt, linse(zw), nonpositive = sum(!pos))
poor <- y < line
P0 <- sum(w * poor) / N; gap <- ifelse(poor, (line - y) / line, 0); P1 <- sum(w * gap) / N
gp <- gini_lin(y[poor], w[poor])
zg <- numeric(length(y)); zg[poor] <- gp$z
S <- P0 * gp$value + P1 * (1 - gp$value)
# ARPR difference between two regions shares the threshold term
dv <- eu$db040 == "Vienna"; dt <- eu$db040 == "Tyrol"
lv <- arpr_lin(dv, TRUE); lt <- arpr_lin(dt, TRUE)
put("arpr_diff_Vienna_Tyrol", lv$value - lt$value, linse(lv$z - lt$z))
put("sen", S, linse(gp$value * (poor - P0) / N + (1 - gp$value) * (gap - P1) / N + (P0 - P1) * zg))
put("poverty_gap_total", sum(w * poor * (line - y)), linse(poor * (line - y)))

# Generalised entropy and Atkinson on positive incomes (units with y <= 0 left out)
yp <- y[pos]; wp <- w[pos]; Np <- sum(wp); Yp <- sum(wp * yp); mu <- Yp / Np
embed <- function(zpos) { z <- numeric(length(y)); z[pos] <- zpos; z }
L <- sum(wp * log(yp)) / Np
put("mld", log(mu) - L, linse(embed(yp / Yp - 1 / Np - (log(yp) - L) / Np)))
S1 <- sum(wp * yp * log(yp))
put("theil", S1 / Yp - log(mu), linse(embed(yp * log(yp) / Yp - S1 * yp / Yp^2 - (yp / Yp - 1 / Np))))
B <- sum(wp * (yp / mu)^2) / Np
put("ge2", (B - 1) / 2, linse(embed(((yp / mu)^2 / Np + B / Np - 2 * B * yp / Yp) / 2)))
for (eps in c(0.5, 1, 2)) {
  if (eps == 1) { ede <- exp(L); dl <- (log(yp) - L) / Np } else {
    m <- sum(wp * yp^(1 - eps)) / Np; ede <- m^(1 / (1 - eps)); dl <- (yp^(1 - eps) - m) / ((1 - eps) * Np * m) }
  put(sprintf("atkinson_%g", eps), 1 - ede / mu, linse(embed(-(ede / mu) * (dl - (yp - mu) / (Np * mu)))))
}
put("n_nonpositive", sum(!pos))

# Concentration of household size over units ranked by income (mid-point ranks)
x <- y; v <- eu$hsize
o <- order(x); xs <- x[o]; vs <- v[o]; ws <- w[o]
grp <- cumsum(c(TRUE, diff(xs) != 0))
Wg <- tapply(ws, grp, sum); WYg <- tapply(ws * vs, grp, sum)
rank <- (cumsum(Wg) - Wg + Wg / 2)[grp]
Nn <- sum(ws); Yv <- sum(ws * vs)
C <- 2 * sum(ws * vs * rank) / (Nn * Yv) - 1
above <- (Yv - cumsum(WYg))[grp]
zs <- (2 * (vs * rank + above + WYg[grp] / 2) - (C + 1) * (Yv + Nn * vs)) / (Nn * Yv)
zc <- numeric(length(x)); zc[o] <- zs
put("concentration_hsize_by_income", C, linse(zc))
# check against the covariance definition 2 cov(v, F_mid(x)) / mean(v)
Fm <- numeric(length(x)); Fm[o] <- rank / Nn
stopifnot(abs(C - 2 * (sum(w * v * Fm) / N - sum(w * v) / N * sum(w * Fm) / N) / (sum(w * v) / N)) < 1e-12)

# RMPG by region: threshold of the whole population, median of the region's poor,
# densities and bandwidth of the region (convey svyrmpg/svypoormed on a subset)
rmpg_dom <- function(d, strict) {
  t <- A$value; yd <- y[d]; wd <- w[d]
  poor <- if (strict) yd < t else yd <= t
  medp <- cq(yd[poor], wd[poor], 0.5)
  h <- hband(yd, wd); Nd <- sum(wd)
  ifm <- ((yd <= medp) - 0.5 * poor) / Nd
  fm <- dens(yd, wd, medp, h); ft <- dens(yd, wd, t, h)
  z <- numeric(length(y)); z[d] <- ifm / (fm * t)
  list(value = 1 - medp / t, z = z + (medp / t^2 - 0.5 * ft / (fm * t)) * A$z)
}
for (s in sort(unique(eu$db040))) {
  l <- rmpg_dom(eu$db040 == s, TRUE); put(paste0("rmpg_lt_db040_", s), l$value, linse(l$z))
}

# Sen index by sex (absolute line) and with a relative line (0.6 x median), whole
# population and by sex: z = z_domain + dS/dt z(t), with
# dS/dt = G_p f(t) + (1 - G_p) dP1/dt + (P0 - P1) dG_p/dt and
# dG_p/dt = [2 N_p t - t - (G_p + 1)(Y_p + N_p t)] / (N_p Y_p) * N f(t)
sen_lin <- function(d, t, relative) {
  yd <- y[d]; wd <- w[d]; Nd <- sum(wd)
  poor <- yd < t; gap <- ifelse(poor, (t - yd) / t, 0)
  P0 <- sum(wd * poor) / Nd; P1 <- sum(wd * gap) / Nd
  gp <- gini_lin(yd[poor], wd[poor]); zg <- numeric(length(yd)); zg[poor] <- gp$z
  S <- P0 * gp$value + P1 * (1 - gp$value)
  z <- numeric(length(y))
  z[d] <- gp$value * (poor - P0) / Nd + (1 - gp$value) * (gap - P1) / Nd + (P0 - P1) * zg
  if (relative) {
    ft <- dens(yd, wd, t); Np <- sum(wd[poor]); Yp <- sum(wd[poor] * yd[poor])
    top <- (2 * Np * t - t - (gp$value + 1) * (Yp + Np * t)) / (Np * Yp)
    slope <- gp$value * ft + (1 - gp$value) * sum(wd * poor * yd) / (t^2 * Nd) + (P0 - P1) * top * Nd * ft
    z <- z + slope * A$z
  }
  list(value = S, z = z)
}
for (s in c("female", "male")) {
  l <- sen_lin(eu$rb090 == s, line, FALSE); put(paste0("sen_rb090_", s), l$value, linse(l$z))
  l <- sen_lin(eu$rb090 == s, A$value, TRUE); put(paste0("sen_relative_rb090_", s), l$value, linse(l$z))
}
l <- sen_lin(all, A$value, TRUE); put("sen_relative", l$value, linse(l$z))

writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE, na = "null"), here("eusilc.json"))
cat("wrote", length(out), "golden values to", here("eusilc.json"), "\n")
