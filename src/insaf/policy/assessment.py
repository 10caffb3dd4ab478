"""Compute an ``Impact`` from a ``Simulation``: every table, every standard error.

Nonlinear statistics (FGT, Gini, Palma, S80/S20, concentration) come from
one ``insaf.measures.prepare`` per batch (``insaf.policy.batch``), all the
statistics of one variable from one sort; baseline values are computed once
and shared by every reform. The welfare statistics of persons are those of
person rows, computed on household rows (``insaf.policy.person_stats``) where
the design allows; the instruments' concentrations along market income share
one ranking, and a concept's Gini reuses the sort of the welfare it equals
(``insaf.policy.concentration``). Linear statistics (costs, means and shares by
domain, coverage) come in batches from ``insaf.policy.linear``. Changes are
``insaf.measures.difference(after, before)`` on the same sample, and smooth
functions of several estimates (Reynolds–Smolensky, sums) are
``insaf.measures.combine`` (the delta method).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl

from insaf import __version__
from insaf.i18n import bilingual
from insaf.measures import Estimate, combine, difference
from insaf.measures._kernels.arrays import sorted_order
from insaf.measures.estimate import LinearBasis, ReplicateBasis
from insaf.measures.variance import FloatArray, IntArray
from insaf.policy import person_stats
from insaf.policy.analysis import (
    Analysis,
    annual_costs,
    build_analysis,
    default_groups,
    person_rows,
)
from insaf.policy.batch import Request, compute, merged
from insaf.policy.concentration import concentrations_along, gini_along, stable_order
from insaf.policy.engine import Simulation, State
from insaf.policy.fiscal_system import (
    changed_rows_apply,
    lines_per_person,
    marginal_fgt,
    system_columns,
    system_tables,
)
from insaf.policy.impact import Impact, ReformImpact, Row
from insaf.policy.incidence import (
    MARKET,
    StateIncidence,
    concentration_requests,
    concentrations,
    incidence_columns,
    incidence_frame,
    state_incidence,
)
from insaf.policy.linear import LinearEstimator
from insaf.policy.scenario import Scenario, text_of
from insaf.policy.solver import Solved
from insaf.survey import Survey
from insaf.survey.table import LazyTables

__all__ = [
    "THREADS",
    "TableDigest",
    "assess",
    "fingerprint_of",
    "survey_fingerprint",
    "table_digest",
]

THREADS = 2
"""Threads sharing the marginal contributions' Ginis and FGTs (a Gini and FGTs per
instrument and state), one of the slowest parts of an impact; the numbers do not
depend on it. The welfare statistics run in one thread (on person rows, where they
must, two would hold two sorted copies of them: half a gigabyte more at a million
households)."""


TableDigest = tuple[str, int, tuple[int, ...]]
"""What a survey's fingerprint reads of a table: its schema, its rows, and the sum of
each column's value hashes (modulo 2**64, as Polars sums them)."""


def table_digest(frame: pl.DataFrame) -> TableDigest:
    sums = frame.select(pl.all().hash(seed=0).sum()).row(0)
    return str(frame.schema), frame.height, tuple(int(s) for s in sums)


def fingerprint_of(digests: Mapping[str, TableDigest]) -> str:
    """The fingerprint of tables by name, from their digests."""
    digest = hashlib.blake2b(digest_size=16)
    for name, (schema, height, sums) in digests.items():
        digest.update(name.encode())
        digest.update(schema.encode())
        digest.update(str(height).encode())
        digest.update(repr(sums).encode())
    return digest.hexdigest()


def scan_digest(scan: pl.LazyFrame) -> TableDigest:
    """``table_digest`` of the frame ``scan`` collects, in one streamed pass that does
    not hold the frame."""
    schema = scan.collect_schema()
    found = scan.select(pl.len().alias("_n"), pl.all().hash(seed=0).sum()).collect().row(0)
    return str(schema), int(found[0]), tuple(int(s) for s in found[1:])


def survey_fingerprint(survey: Survey) -> str:
    """A hash of every table's columns: the same data gives the same fingerprint (the
    sum of each column's value hashes, so row order aside). Digests of a survey's
    parts add up to the whole's (``insaf.policy.partitioned``). An item table not yet
    read is digested from its file where reading would return the file as it is
    (``LazyTables.scan``): the same digest, without reading the table."""
    digests: dict[str, TableDigest] = {}
    for name in ("households", "persons"):
        table = getattr(survey, name)
        if table is not None:
            digests[table.name] = table_digest(table.frame)
    items = survey.items
    for name in items:
        unread = isinstance(items, LazyTables) and not items.is_read(name)
        scan = items.scan(name) if isinstance(items, LazyTables) and unread else None
        if scan is not None:
            digests[name] = scan_digest(scan)
        else:
            digests[items[name].name] = table_digest(items[name].frame)
    return fingerprint_of(digests)


class _Assessor:
    def __init__(self, sim: Simulation, analysis: Analysis) -> None:
        self.sim = sim
        self.a = analysis
        opts = sim.scenario.options
        self.opts = opts
        self.common: dict[str, Any] = {
            "unit": "household",
            "variance": opts.variance,
            "replicates": opts.replicates,
            "seed": opts.seed,
        }
        self.people = LinearEstimator(
            analysis.people, variance=opts.variance, replicates=opts.replicates, seed=opts.seed
        )
        self._stats: dict[str, dict[tuple[str, ...], Estimate]] = {}
        self._orders: dict[str, np.ndarray[Any, Any]] = {}
        """Stable sorts of the welfare columns (``person_stats``): hints for the
        incidence's Ginis of concepts equal to a welfare but for rounding."""
        self.groups = (
            sim.scenario.groups if sim.scenario.groups is not None else default_groups(sim)
        )

    def linear(self, survey: Survey) -> LinearEstimator:
        """A linear estimator over ``survey``, whose rows are the analysis table's."""
        return LinearEstimator(
            survey,
            variance=self.opts.variance,
            replicates=self.opts.replicates,
            seed=self.opts.seed,
            arrays=self.people.arrays,
        )

    def _ginis_alone(
        self,
        columns: list[str],
        values: Callable[[str], FloatArray],
        estimator: LinearEstimator,
        *,
        hinted: Mapping[str, list[IntArray]],
    ) -> dict[tuple[str, ...], Estimate]:
        """The Gini of each of ``columns`` (``values`` of each) by ``gini_along``, keyed
        ``(column, "gini")``, its sort from ``stable_order`` with the column's hints,
        ``THREADS`` columns at a time (numpy's sorts and sums run outside Python's
        lock). A column with a missing or infinite value is left out (the general
        path says which)."""
        arrays = estimator.arrays
        assert arrays is not None

        def one(column: str) -> Estimate | None:
            y = values(column)
            if not np.all(np.isfinite(y)):
                return None
            order, ranked = stable_order(y, hinted[column])
            return gini_along(
                y,
                estimator.w,
                arrays,
                order,
                estimator=self.opts.gini,
                variable=column,
                ranked=ranked,
            )

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            found = list(pool.map(one, columns))
        return {(c, "gini"): e for c, e in zip(columns, found, strict=True) if e is not None}

    # -- nonlinear statistics, cached --------------------------------------------------

    def stats(self, column: str) -> dict[tuple[str, ...], Estimate]:
        """FGT on every line, Gini, Palma, S80/S20 of a welfare column of the analysis.

        The baseline's and every reform's are computed together, from one
        prepared sample, the first time any is asked for.
        """
        if not self._stats:
            columns = ["w0", *(f"_r{r}_w" for r in self.a.reform_index.values())]
            shortcut = person_stats.statistics(
                self.a,
                columns,
                lines=self.a.lines,
                below=self.opts.below,
                gini=self.opts.gini,
                options=self.common,
                orders=self._orders,
            )
            if shortcut is not None:
                self._stats.update(shortcut)
                return self._stats[column]
            lines = [v for v in self.a.lines.values() if isinstance(v, str)]
            found = compute(
                person_rows(self.a, [*columns, *lines]),
                [Request(c) for c in columns],
                lines=self.a.lines,
                below=self.opts.below,
                gini=self.opts.gini,
                options={**self.common, "unit": "person"},
            )
            for c in columns:
                self._stats[c] = {k[1:]: v for k, v in found.items() if k[0] == c}
        return self._stats[column]

    def fgt(self, column: str, line: str, alpha: int) -> Estimate:
        return self.stats(column)[("fgt", line, str(alpha))]

    def inequality(self, column: str, measure: str) -> Estimate:
        return self.stats(column)[(measure,)]

    # -- tables --------------------------------------------------------------------------

    def fiscal(self, r: int, state: State) -> list[Row]:
        base = self.sim.baseline
        ids = list(dict.fromkeys([*base.flows, *state.flows]))
        costs = annual_costs(self.sim, {"b": base, f"r{r}": state})
        kept = self.a.frame.select(self.a.homes.design.columns)
        homes = self.linear(_with_frame(self.a.homes, kept.hstack(pl.DataFrame(costs))))
        totals = homes.totals(list(costs))
        zero = _zero_like(next(iter(totals.values()))) if totals else None
        rows: list[Row] = []
        net_b: Estimate | None = None
        net_r: Estimate | None = None
        for i in ids:
            before = totals.get(f"_f_b_{i}", zero)
            after = totals.get(f"_f_r{r}_{i}", zero)
            assert before is not None and after is not None
            instrument = state.policy.get(i) or base.policy.get(i)
            assert instrument is not None
            rows.append(
                {
                    "instrument": i,
                    "label": _label(instrument.label, i),
                    "type": instrument.type,
                    "kind": (state.kinds.get(i) or base.kinds[i]).value,
                    "status": _status(i, base, state),
                    "baseline": before,
                    "reform": after,
                    "change": difference(after, before),
                }
            )
            net_b = before if net_b is None else _sum(net_b, before)
            net_r = after if net_r is None else _sum(net_r, after)
        if net_b is not None and net_r is not None:
            rows.append(
                {
                    "instrument": "net",
                    "label": {"en": "Net cost", "ar": "صافي الكلفة"},
                    "type": "net",
                    "kind": "net",
                    "status": "",
                    "baseline": net_b,
                    "reform": net_r,
                    "change": difference(net_r, net_b),
                }
            )
        return rows

    def poverty(self, r: int) -> list[Row]:
        rows: list[Row] = []
        for name in self.a.lines:
            for alpha in (0, 1, 2):
                before = self.fgt("w0", name, alpha)
                after = self.fgt(f"_r{r}_w", name, alpha)
                rows.append(
                    {
                        "line": name,
                        "measure": f"fgt{alpha}",
                        "baseline": before,
                        "reform": after,
                        "change": difference(after, before),
                    }
                )
        return rows

    def inequality_table(self, r: int) -> list[Row]:
        rows: list[Row] = []
        for measure, label in (("gini", "gini"), ("palma", "palma"), ("qsr", "s80s20")):
            before = self.inequality("w0", measure)
            after = self.inequality(f"_r{r}_w", measure)
            rows.append(
                {
                    "measure": label,
                    "baseline": before,
                    "reform": after,
                    "change": difference(after, before),
                }
            )
        return rows

    def distribution(self, r: int, by: str | None) -> list[Row]:
        p = f"_r{r}_"
        means = self.people.ratios(
            ["w0", f"{p}d", f"{p}win", f"{p}lose", f"{p}same"], by=by, measure="mean"
        )
        shares = self.people.ratios([f"{p}d"], "w0", by=by, measure="ratio")[f"{p}d"]
        rows: list[Row] = []
        for d, share in enumerate(shares):
            domain = dict(share.domain) if share.domain is not None else {}
            rows.append(
                {
                    "variable": by,
                    "category": domain.get(by) if by is not None else None,
                    "population": share.population,
                    "n": share.n,
                    "welfare": means["w0"][d],
                    "mean_change": means[f"{p}d"][d],
                    "change_share": share,
                    "winners": means[f"{p}win"][d],
                    "losers": means[f"{p}lose"][d],
                    "unaffected": means[f"{p}same"][d],
                }
            )
        return rows

    def who_loses(self, r: int) -> tuple[list[Row], dict[str, Any]]:
        frame = self.a.frame
        rel = frame.get_column(f"_r{r}_rel").to_numpy()
        weight = frame.get_column("_wp").to_numpy()
        share = self.opts.who_loses_share
        # np.argsort(rel, kind="stable"), faster (rel is finite: w0 is)
        order = sorted_order(rel)[0] if np.all(np.isfinite(rel)) else np.argsort(rel, kind="stable")
        cumulative = np.cumsum(weight[order]) / weight.sum()
        cut_at = int(np.searchsorted(cumulative, share, side="left"))
        cut = float(rel[order][min(cut_at, rel.size - 1)])
        top = (rel <= cut) & (rel < -self.opts.winner_threshold)
        note = {
            "definition": "people in the households with the largest relative loss",
            "share": share,
            "loss_at_least": -cut if top.any() else None,
            "people": float(weight[top].sum()),
        }
        if not top.any():
            return [], note
        spec: list[tuple[str, str, Any]] = [
            ("_members", "hhsize", None),
            ("w0", "welfare", None),
            ("_poor", "poor", None),
        ]
        # each category of each group: the mean of its indicator, summed from the
        # group's column (insaf.policy.linear); a replicate design reads 0/1 columns
        indicators: dict[str, tuple[str, Any]] = {}
        for group in self.groups:
            values = frame.get_column(group)
            categories = values.unique().drop_nulls().sort().to_list()
            if set(categories) <= {0, 1}:
                categories = [1]
            for k, value in enumerate(categories):
                name = f"_g_{group}_{k}"
                indicators[name] = (group, value)
                spec.append((name, group, value))
        design = self.a.people.design
        kept = list(dict.fromkeys([*design.columns, "_members", "w0", "_poor", *self.groups]))
        extra: dict[str, Any] = {"_top": top.astype(np.int64)}
        if not self.people.fast:
            for name, (group, value) in indicators.items():
                extra[name] = (frame.get_column(group) == value).fill_null(False).cast(pl.Float64)
        frame_plus = frame.select(kept).hstack(pl.DataFrame(extra))
        survey = _with_frame(self.a.people, frame_plus)
        estimator = LinearEstimator(
            survey,
            variance=self.opts.variance,
            replicates=self.opts.replicates,
            seed=self.opts.seed,
            arrays=self.people.arrays,
            indicators=indicators,
        )
        # unweighted households behind each cell: those with the category (all, for a mean)
        counts: dict[str, tuple[int, int]] = {}  # losers, everyone
        for group in self.groups:
            names_of = [n for n, (column, _) in indicators.items() if column == group]
            codes = estimator.indicator_codes(group)
            everyone_n = np.bincount(codes, minlength=len(names_of) + 1)
            losers_n = np.bincount(codes[top], minlength=len(names_of) + 1)
            for k, name in enumerate(names_of):
                counts[name] = (int(losers_n[k]), int(everyone_n[k]))
        names = [s[0] for s in spec]
        by_top = estimator.ratios(names, by="_top")
        everyone = estimator.ratios(names)
        rows: list[Row] = []
        n_top, n_all = int(top.sum()), int(top.size)
        for name, characteristic, value in spec:
            top_est = next(e for e in by_top[name] if e.domain and e.domain["_top"] == 1)
            n_losers, n_everyone = counts.get(name, (n_top, n_all))
            rows.append(
                {
                    "characteristic": characteristic,
                    "category": value,
                    "n_losers": n_losers,
                    "n_everyone": n_everyone,
                    "losers": top_est,
                    "everyone": everyone[name][0],
                }
            )
        note["n"] = int(top.sum())
        return rows, note

    def incidence(self) -> dict[str, StateIncidence]:
        """CEQ concepts, progressivity and coverage of every state, computed once
        (``insaf.policy.incidence``); by state name (``baseline`` and each reform)."""
        poor = self.a.frame.get_column("_poor").to_numpy()
        columns = incidence_columns(self.sim, poor)
        design = self.a.people.design
        line_columns = [v for v in self.a.lines.values() if isinstance(v, str)]
        lines = lines_per_person(
            self.a.lines,
            {c: self.a.frame.get_column(c).to_numpy() for c in line_columns},
            self.a.frame.height,
        )
        wanted = self.opts.marginal or bool(self.sim.scenario.in_kind)
        system = system_columns(columns, lines, below=self.opts.below, marginal=wanted)
        columns.series["_one"] = np.ones(self.a.frame.height)
        kept = list(dict.fromkeys([*design.columns, "_poor", *line_columns]))
        frame = incidence_frame(columns, self.a.frame.select(kept))
        survey = _with_frame(self.a.people, frame)
        estimator = self.linear(survey)
        fast = changed_rows_apply(estimator)
        means = estimator.ratios(columns.concepts)
        known = {"w0": self.a.frame.get_column("w0").to_numpy()}
        for r in self.a.reform_index.values():
            known[f"_r{r}_w"] = self.a.frame.get_column(f"_r{r}_w").to_numpy()
        asked, reuse = concentration_requests(columns, known)
        # the marginal contributions read the Gini, FGT0 and FGT1 (fiscal_system); a
        # concept's Gini they share is computed once
        requests = merged(system.requests(changed_rows=fast) + asked)
        # every instrument's concentration along market income, and market income's own
        # Gini, from one ranking (insaf.policy.concentration)
        along = None
        if estimator.fast and estimator.arrays is not None:
            market_gini = Request(MARKET, ("gini",)) in requests
            along = concentrations_along(
                {r.column: columns.series[r.column] for r in requests if r.rank_by == MARKET},
                columns.series[MARKET],
                estimator.w,
                estimator.arrays,
                rank_by=MARKET,
                gini=self.opts.gini if market_gini else None,
            )
        if along is not None:
            requests = [
                r for r in requests if r.rank_by != MARKET and r != Request(MARKET, ("gini",))
            ]
            # a Gini alone (a concept's, an end income's without an instrument): its
            # own sort, or a welfare's (hints) when their order agrees
            if self.sim.reforms:
                self.stats("w0")  # the welfare statistics, and their sorts
            hints = list(self._orders.values())
            alone = [q.column for q in requests if q.which == ("gini",) and q.rank_by is None]
            found_alone = self._ginis_alone(
                alone,
                lambda c: system.column(columns.series, c),
                estimator,
                # an end income or one without an instrument is no welfare's order
                hinted={c: [] if c in system.near else hints for c in alone},
            )
            along.update(found_alone)
            requests = [r for r in requests if (r.column, "gini") not in found_alone]
        afresh = [r.column for r in requests if r.column in system.recipes]
        if afresh:  # end incomes without an instrument estimated afresh: table columns
            system.add_columns(columns.series, afresh)
            survey = _with_frame(self.a.people, incidence_frame(columns, self.a.frame.select(kept)))
        found = compute(
            survey,
            requests,
            lines=self.a.lines,
            below=self.opts.below,
            gini=self.opts.gini,
            options=self.common,
            threads=THREADS,
            near=system.near,
        )
        if along is not None:
            found.update(along)
        stats: dict[str, dict[tuple[str, ...], Estimate]] = {}
        for key, value in found.items():
            stats.setdefault(key[0], {})[key[1:]] = value
        if fast:
            marginal_fgt(
                system,
                columns.series,
                lines,
                stats,
                weight=estimator.w,
                below=self.opts.below,
                threads=THREADS,
            )
        measured = concentrations(
            columns, reuse, found, known_gini=lambda column: self.stats(column)[("gini",)]
        )
        out: dict[str, StateIncidence] = {}
        for name in ("baseline", *self.sim.reforms):
            found_state = state_incidence(name, columns, measured, means, estimator)
            poorer, marginal = system_tables(
                name, columns, system, estimator, stats, annual=self.sim.annual, people="_one"
            )
            out[name] = replace(found_state, impoverishment=poorer, marginal=marginal)
        return out


def _stacked(incidence: dict[str, StateIncidence], reform: str, table: str) -> list[Row]:
    """One incidence table of the baseline and the reform, one after the other."""
    rows: list[Row] = []
    for state in ("baseline", reform):
        rows.extend(
            {"state": "baseline" if state == "baseline" else "reform", **row}
            for row in getattr(incidence[state], table)
        )
    return rows


def _with_frame(survey: Survey, frame: pl.DataFrame) -> Survey:
    assert survey.households is not None
    return replace(survey, households=survey.households.with_frame(frame))


def _zero_like(e: Estimate) -> Estimate:
    basis = e.basis
    if isinstance(basis, LinearBasis):
        basis = LinearBasis(totals=np.zeros_like(basis.totals), design=basis.design)
    elif isinstance(basis, ReplicateBasis):
        basis = ReplicateBasis(thetas=np.zeros_like(basis.thetas), spec=basis.spec, key=basis.key)
    return Estimate(measure="total", value=0.0, se=0.0, n=e.n, population=e.population, basis=basis)


def _sum(a: Estimate, b: Estimate) -> Estimate:
    return combine(lambda x, y: x + y, lambda x, y: (1.0, 1.0), a, b, measure="total")


def _label(label: Any, default: str) -> dict[str, str]:
    return {"en": text_of(label, "en") or default, "ar": text_of(label, "ar") or default}


def _status(key: str, base: State, state: State) -> str:
    """How the reform treats an instrument: added, removed, changed (its parameters)
    or unchanged (its amounts may still move with prices it shares with others)."""
    before, after = base.policy.get(key), state.policy.get(key)
    if before is None:
        return "added"
    if after is None:
        return "removed"
    return "unchanged" if before.model_dump_json() == after.model_dump_json() else "changed"


BUILT_IN_LABELS = bilingual(
    "group",
    {
        "has_children": "Household with children",
        "has_elderly": "Household with elderly members",
    },
)
YES_NO = bilingual(
    "yes_no",
    {
        "0": "No",
        "1": "Yes",
    },
)
LINE_NAMES = bilingual(
    "line",
    {
        "national": "National poverty line",
        "extreme": "Extreme poverty line",
        "food": "Food poverty line",
        "upper": "Upper poverty line",
        "lower": "Lower poverty line",
        "international": "International poverty line",
        "relative": "Relative poverty line",
    },
)
"""Names of the usual poverty lines; a scenario names any line with ``{line:, label:}``."""


def _line_labels(scenario: Scenario) -> dict[str, dict[str, str]]:
    """Every poverty line's name in English and Arabic (its id where none is known)."""
    out = {}
    for name in scenario.lines:
        known = LINE_NAMES.get(name, {"en": name, "ar": name})
        given = scenario.line_labels.get(name)
        out[name] = {lang: text_of(given, lang) or known[lang] for lang in ("en", "ar")}
    return out


def _scenario_meta(sim: Simulation, fingerprint: str) -> dict[str, Any]:
    scenario = sim.scenario
    survey = sim.data.survey
    definition = scenario.definition()
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False)
    currency = survey.policy.get("currency") if survey.policy else None
    labels: dict[str, dict[str, dict[str, str]]] = {}
    groups = scenario.groups if scenario.groups is not None else default_groups(sim)
    for variable in groups:
        meta = survey.metadata.get(variable)
        labels[variable] = {
            "_label": meta.label.to_dict() or BUILT_IN_LABELS.get(variable, {"en": variable}),
            **(
                {str(code): label.to_dict() for code, label in meta.values.items()}
                or (YES_NO if variable in BUILT_IN_LABELS else {})
            ),
        }
    return {
        "name": {"en": text_of(scenario.name, "en"), "ar": text_of(scenario.name, "ar")},
        "description": (
            {"en": text_of(scenario.description, "en"), "ar": text_of(scenario.description, "ar")}
            if scenario.description
            else None
        ),
        "file": scenario.file,
        "definition": definition,
        "scenario_sha256": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        "insaf_version": __version__,
        "period": scenario.period,
        "annual_factor": sim.annual,
        "currency": currency,
        "welfare": scenario.welfare.model_dump(mode="json"),
        "lines": dict(scenario.lines),
        "line_labels": _line_labels(scenario),
        "options": scenario.options.model_dump(mode="json"),
        "groups": groups,
        "labels": labels,
        # the convention of insaf estimate and the observatory (docs/methods/inequality.md)
        "person_statistics": "one row per person",
        "survey": {
            "name": survey.name.to_dict(),
            "path": survey.path,
            "year": survey.year,
            "synthetic": survey.synthetic,
            "households": sim.data.n_households,
            "persons": sim.data.n_persons,
            "fingerprint": fingerprint,
            "design": survey.design.describe(),
            "design_roles": {
                "weight": survey.design.weight,
                "strata": survey.design.strata,
                "psu": survey.design.psu,
                "fpc": survey.design.fpc,
                "replicates": (
                    survey.design.replicates.method.value if survey.design.replicates else None
                ),
                "lonely_psu": survey.design.lonely_psu.value,
            },
        },
    }


def assess(sim: Simulation, *, fingerprint: str | None = None) -> Impact:
    """Every table of the impact of every reform of ``sim``.

    ``fingerprint`` is the survey's (``survey_fingerprint``) when ``sim.data``
    holds only part of its columns (``insaf.policy.partitioned``).
    """
    if fingerprint is not None:
        impact = _assess(sim)
        meta = _scenario_meta(sim, fingerprint)
        return Impact(scenario=sim.scenario, meta=meta, reforms=impact, simulation=sim)
    # hashing the survey runs in Polars' threads, beside the work below
    with ThreadPoolExecutor(max_workers=1) as pool:
        found = pool.submit(survey_fingerprint, sim.data.survey)
        impact = _assess(sim)
        meta = _scenario_meta(sim, found.result())
    return Impact(scenario=sim.scenario, meta=meta, reforms=impact, simulation=sim)


def _assess(sim: Simulation) -> dict[str, ReformImpact]:
    analysis = build_analysis(sim)
    work = _Assessor(sim, analysis)
    incidence = work.incidence()
    reforms: dict[str, ReformImpact] = {}
    for name, state in sim.reforms.items():
        r = analysis.reform_index[name]
        reform = sim.scenario.reforms[name]
        deciles = work.distribution(r, "_decile")
        for row in deciles:
            row["variable"] = "decile"
        groups: list[Row] = []
        for group in work.groups:
            groups.extend(work.distribution(r, group))
        overall = work.distribution(r, None)
        who, who_note = work.who_loses(r)
        solved = sim.solved.get(name)
        reforms[name] = ReformImpact(
            name=name,
            label=text_of(reform.label) or name,
            solved=solved if isinstance(solved, Solved) else None,
            tables={
                "fiscal": work.fiscal(r, state),
                "poverty": work.poverty(r),
                "inequality": work.inequality_table(r),
                "deciles": deciles,
                "groups": groups,
                "winners_losers": overall,
                "who_loses": who,
                "concepts": _stacked(incidence, name, "concepts"),
                "progressivity": _stacked(incidence, name, "progressivity"),
                "coverage": _stacked(incidence, name, "coverage"),
                "impoverishment": _stacked(incidence, name, "impoverishment"),
                "marginal": _stacked(incidence, name, "marginal"),
            },
            notes={
                "who_loses": who_note,
                "labels": _label(reform.label, name),
            },
        )
    return reforms
