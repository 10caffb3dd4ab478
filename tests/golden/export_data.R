# Export the reference data sets used by the golden tests to CSV.
#   Rscript tests/golden/export_data.R        (from the repository root)
# laeken's eusilc (synthetic EU-SILC, Austria) and survey's api data.
suppressPackageStartupMessages({library(survey); library(laeken)})
here <- function(...) file.path("tests", "golden", ...)
# full precision for doubles (write.csv keeps 15 significant digits)
exact <- function(d) { for (n in names(d)) if (is.double(d[[n]])) d[[n]] <- ifelse(is.na(d[[n]]), NA, sprintf("%.17g", d[[n]])); d }
dir.create(here("data"), showWarnings = FALSE)
data(eusilc, package = "laeken")
eu <- eusilc[, c("db030", "db040", "rb030", "rb050", "rb090", "age", "hsize", "eqIncome", "py010n", "eqSS")]
eu$db040 <- as.character(eu$db040)
eu$rb090 <- as.character(eu$rb090)
write.csv(exact(eu), here("data", "eusilc.csv"), row.names = FALSE, na = "", quote = match(c("db040", "rb090"), names(eu)))
data(api, package = "survey")
keep <- c("cds", "stype", "dnum", "snum", "api00", "api99", "enroll", "api.stu", "meals", "ell", "pw", "fpc")
# sampling fraction n_h / N_h, to test fpc given as a fraction
apistrat$frac <- ave(apistrat$fpc, apistrat$stype, FUN = length) / apistrat$fpc
write.csv(exact(apistrat[, c(keep, "frac")]), here("data", "apistrat.csv"), row.names = FALSE,
          quote = match(c("cds", "stype"), c(keep, "frac")))
# a design with a single-PSU stratum: keep one high school only
lonely <- apistrat[apistrat$stype != "H" | !duplicated(apistrat$stype), keep]
write.csv(lonely, here("data", "apistrat_lonely.csv"), row.names = FALSE)
write.csv(apiclus1[, keep], here("data", "apiclus1.csv"), row.names = FALSE)
write.csv(apiclus2[, c("cds", "stype", "dnum", "snum", "api00", "api99", "enroll", "api.stu", "meals", "ell", "pw", "fpc1", "fpc2")],
          here("data", "apiclus2.csv"), row.names = FALSE, na = "")
