"""The demo observatory: the synthetic country's surveys for several years, computed, published."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from insaf.observatory import DEMO_CATALOGUE, load_catalogue
from insaf.observatory.compute import compute_catalogue
from insaf.web.observatory import services

__all__ = ["DEMO_YEARS", "load_demo"]

DEMO_YEARS = range(2019, 2025)


def load_demo(
    *,
    households: int = 6000,
    seed: int = 7,
    years: Iterable[int] = DEMO_YEARS,
    say: Callable[[str], None] = lambda _: None,
) -> int:
    """Load the demo catalogue, then compute and publish one synthetic survey per year.

    Returns the number of cells published (suppressed ones included).
    """
    from insaf.survey.synth import synthesize

    catalogue = load_catalogue(DEMO_CATALOGUE)
    services.sync_catalogue(actor=None, catalogue=catalogue)
    cells = 0
    for year in years:
        say(f"demo survey {year}: {households} households, computing indicators")
        survey = synthesize(households, seed, year)
        observations = compute_catalogue(catalogue, survey)
        report = services.publish(
            actor=None,
            observations=observations,
            source=f"demo survey {year} (synthetic, {households} households, seed {seed})",
            survey=f"synthetic:{year}:{households}:{seed}",
        )
        cells += report.cells
    return cells
