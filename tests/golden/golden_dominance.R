# Golden values for poverty dominance curves (tests/measures/test_dominance.py).
#
# Each point of a poverty incidence curve is the mean of 1(y <= z), each point of
# a poverty deficit curve the mean of pmax(z - y, 0): svymean of those per-person
# variables gives the curve and its SE. The difference of two curves:
# - paired (two variables of the same units): svymean of the difference of the
#   two per-person variables (the covariance of the two estimates is in it);
# - two groups of one survey: svyby(covmat = TRUE) then svycontrast;
# - independent samples: each curve on its own design (the test adds variances);
# - a replicate design: the same svymeans on svrepdesign (bootstrap weights).
# Data: laeken's eusilc (ids = household, strata = region, weights rb050), with a
# reform y1 = 0.9 * eqIncome + 1500 (a flat transfer paid for by a 10% tax);
# R survey's api data (apistrat, apiclus1) and the bootstrap weights of
# data/apiclus1_boot.csv, with a reform api00 / 2 + 330 (exact in binary).
#   Rscript tests/golden/golden_dominance.R      (from the repository root)
suppressPackageStartupMessages({library(survey); library(jsonlite)})
here <- function(...) file.path("tests", "golden", ...)
out <- list()
put <- function(name, s) {
  out[[name]] <<- list(value = as.numeric(coef(s)), se = as.numeric(SE(s)))
}
h <- function(y, z, order) if (order == 1) as.numeric(y <= z) else pmax(z - y, 0)

eu <- read.csv(here("data", "eusilc.csv"))
eu$y1 <- 0.9 * eu$eqIncome + 1500
eu_lines <- c(6000, 9000, 12000, 15000, 18000, 21000, 24000)
for (order in 1:2) {
  for (z in eu_lines) {
    eu$a <- h(eu$y1, z, order)
    eu$b <- h(eu$eqIncome, z, order)
    eu$d <- eu$a - eu$b
    des <- svydesign(ids = ~db030, strata = ~db040, weights = ~rb050, data = eu)
    key <- sprintf("eusilc_o%d_z%d", order, z)
    put(paste0(key, "_after"), svymean(~a, des))
    put(paste0(key, "_before"), svymean(~b, des))
    put(paste0(key, "_paired"), svymean(~d, des))
    by_sex <- svyby(~b, ~rb090, des, svymean, covmat = TRUE)
    put(paste0(key, "_female"), svymean(~b, subset(des, rb090 == "female")))
    put(paste0(key, "_male"), svymean(~b, subset(des, rb090 == "male")))
    put(paste0(key, "_female_male"), svycontrast(by_sex, c(female = 1, male = -1)))
  }
}

strat <- read.csv(here("data", "apistrat.csv"))
clus1 <- read.csv(here("data", "apiclus1.csv"))
api_lines <- c(550, 650, 750, 850)
for (order in 1:2) {
  for (z in api_lines) {
    strat$b <- h(strat$api00, z, order)
    clus1$b <- h(clus1$api00, z, order)
    dstrat <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat)
    dclus1 <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1)
    key <- sprintf("api_o%d_z%d", order, z)
    put(paste0(key, "_strat"), svymean(~b, dstrat))
    put(paste0(key, "_clus1"), svymean(~b, dclus1))
  }
}

boot <- read.csv(here("data", "apiclus1_boot.csv"))
for (order in 1:2) {
  for (z in api_lines) {
    boot$a <- h(boot$api00 / 2 + 330, z, order)
    boot$b <- h(boot$api00, z, order)
    boot$d <- boot$a - boot$b
    d <- svrepdesign(data = boot, repweights = "rep[0-9]+", weights = ~pw, type = "bootstrap")
    key <- sprintf("boot_o%d_z%d", order, z)
    put(paste0(key, "_after"), svymean(~a, d))
    put(paste0(key, "_api00"), svymean(~b, d))
    put(paste0(key, "_paired"), svymean(~d, d))
  }
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           here("dominance.json"))
cat("wrote", length(out), "golden values to", here("dominance.json"), "\n")
