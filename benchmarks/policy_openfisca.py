"""OpenFisca's side of ``policy_simulate.py``: a baseline and a reform on the same people.

Run by ``policy_simulate.py`` with the Python of a throwaway virtual
environment holding ``openfisca-core`` and ``openfisca-country-template``
(never the project's)::

    python3 -m venv /tmp/ofvenv
    /tmp/ofvenv/bin/pip install openfisca-country-template
    /tmp/ofvenv/bin/python benchmarks/policy_openfisca.py INPUTS.npz

It does not import INSAF. It reads the synthetic survey's persons (household,
age, wage, self-employment income as capital returns) and households (weight,
rooms as accommodation size, tenure, rent from housing spending), builds one
OpenFisca simulation per policy with ``SimulationBuilder``, and computes for
January 2024 the country template's disposable income, total taxes and total
benefits of every household: income tax, a marginal-scale social security
contribution, basic income, pension, parenting allowance (with a household
income test), housing tax. The reform changes six parameters (income tax rate,
both contribution rates, basic income, parenting allowance amount and income
threshold, housing tax rate). Then the weighted net cost and the headcount
below a line, in numpy. It prints one JSON line of timings (seconds), the CPU
time of the whole run and of the two simulations (all threads), and peak memory
(GB).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

import numpy as np
from openfisca_core import periods
from openfisca_core.reforms import Reform
from openfisca_core.simulations import SimulationBuilder
from openfisca_country_template import CountryTaxBenefitSystem

PERIOD = "2024-01"


class Bench(Reform):
    """Six parameter changes, applied from 2024."""

    def apply(self) -> None:
        def modify(parameters):  # type: ignore[no-untyped-def]
            start = periods.instant("2024-01-01")
            parameters.taxes.income_tax_rate.update(start=start, value=0.17)
            scale = parameters.taxes.social_security_contribution
            scale.brackets[0].rate.update(start=start, value=0.03)
            scale.brackets[1].rate.update(start=start, value=0.08)
            parameters.benefits.basic_income.update(start=start, value=650.0)
            parameters.benefits.parenting_allowance.amount.update(start=start, value=700.0)
            parameters.benefits.parenting_allowance.income_threshold.update(
                start=start, value=800.0
            )
            parameters.taxes.housing_tax.rate.update(start=start, value=12.0)
            return parameters

        self.modify_parameters(modifier_function=modify)


def build(system, data):  # type: ignore[no-untyped-def]
    builder = SimulationBuilder()
    builder.create_entities(system)
    persons = data["person_id"]
    builder.declare_person_entity("person", persons)
    households = builder.declare_entity("household", data["household_id"])
    roles = np.where(data["age"] >= 18, "adult", "child")
    # OpenFisca ranks the assignments and gives rank k the k-th identifier in
    # sorted order: the identifiers are zero-padded, so that order is the
    # households' order, and checked.
    builder.join_with_persons(households, data["person_household"], roles)
    simulation = builder.build(system)
    members = simulation.populations["household"].members_entity_id
    if not np.array_equal(members, data["person_household"]):
        raise SystemExit("OpenFisca did not put the persons in their households")
    simulation.set_input("age", PERIOD, data["age"])
    simulation.set_input("salary", PERIOD, data["salary"])
    simulation.set_input("capital_returns", PERIOD, data["capital_returns"])
    simulation.set_input("accommodation_size", PERIOD, data["accommodation_size"])
    simulation.set_input("rent", PERIOD, data["rent"])
    simulation.set_input("housing_occupancy_status", PERIOD, data["occupancy"])
    return simulation


def run(system, data) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    simulation = build(system, data)
    return {
        name: simulation.calculate(name, PERIOD)
        for name in ("disposable_income", "total_taxes", "total_benefits", "parenting_allowance")
    }


def main() -> None:
    loaded = np.load(sys.argv[1], allow_pickle=False)
    data = {k: loaded[k] for k in loaded.files}
    timings: dict[str, float] = {}
    start, cpu = time.perf_counter(), time.process_time()
    baseline_system = CountryTaxBenefitSystem()
    reform_system = Bench(baseline_system)
    timings["systems"] = time.perf_counter() - start

    t, simulating = time.perf_counter(), time.process_time()
    baseline = run(baseline_system, data)
    timings["baseline"] = time.perf_counter() - t
    t = time.perf_counter()
    reform = run(reform_system, data)
    timings["reform"] = time.perf_counter() - t
    simulation_cpu = time.process_time() - simulating

    t = time.perf_counter()
    weight = data["weight"]
    size = np.bincount(data["person_household"], minlength=weight.size)
    cost = {}
    for key, result in (("baseline", baseline), ("reform", reform)):
        net = result["total_benefits"] + result["parenting_allowance"] - result["total_taxes"]
        cost[key] = float(np.dot(weight, net)) * 12
    pc_before = baseline["disposable_income"] / np.maximum(size, 1)
    pc_after = reform["disposable_income"] / np.maximum(size, 1)
    line = float(np.quantile(pc_before, 0.2))
    people = weight * size
    headcount = [float(np.dot(people, pc < line) / people.sum()) for pc in (pc_before, pc_after)]
    timings["aggregates"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - start
    print(
        json.dumps(
            {
                "households": int(weight.size),
                "load": os.getloadavg()[0],
                "persons": int(data["person_id"].size),
                "seconds": timings,
                "cpu": time.process_time() - cpu,
                "simulation_cpu": simulation_cpu,
                "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
                "net_cost_change": cost["reform"] - cost["baseline"],
                "headcount": headcount,
            }
        )
    )


if __name__ == "__main__":
    main()
