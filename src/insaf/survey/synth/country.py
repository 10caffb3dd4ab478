"""The fictional demo country: governorates, prices, population and trends by year.

Every number here is invented. The country is shaped like a middle-income Arab
country of about 33 million people: a large capital, two prosperous coastal
governorates, poorer inland and southern governorates, and refugees
concentrated along one border.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from insaf.errors import DataError, said

__all__ = [
    "BASE_YEAR",
    "CENSUS_YEAR",
    "CURRENCY",
    "FIRST_YEAR",
    "GOVERNORATES",
    "LAST_YEAR",
    "Governorate",
    "Trend",
    "governorate_array",
    "trend",
]

CENSUS_YEAR = 2015
"""Year of the census that gave the enumeration-area frame and its sizes."""
BASE_YEAR = 2024
"""Year whose prices are the base of every real figure (CPI = 1)."""
FIRST_YEAR, LAST_YEAR = 2010, 2035
"""Years the generator accepts."""

CURRENCY = {"code": "DMD", "name": {"en": "demo dinar", "ar": "دينار تجريبي"}}


@dataclass(frozen=True, slots=True)
class Governorate:
    """One governorate (محافظة) and what the generator needs to know of it."""

    code: int
    en: str
    ar: str
    households: int
    """Households counted at the census (``CENSUS_YEAR``)."""
    urban_share: float
    price_urban: float
    """Spatial price index of urban areas (national average about 1)."""
    price_rural: float
    welfare: float
    """Regional effect on log real welfare and log earnings."""
    refugee_share: float
    foreign_share: float
    remittances: float
    """Effect on the log-odds of receiving remittances."""


GOVERNORATES: tuple[Governorate, ...] = (
    Governorate(1, "Al-Asima", "العاصمة", 1_300_000, 0.97, 1.10, 1.02, 0.18, 0.06, 0.05, -0.3),
    Governorate(2, "Al-Sahil", "الساحل", 700_000, 0.80, 1.05, 0.97, 0.10, 0.02, 0.04, 0.0),
    Governorate(3, "Al-Mina", "الميناء", 520_000, 0.85, 1.06, 0.98, 0.08, 0.02, 0.05, 0.0),
    Governorate(4, "Al-Shamal", "الشمال", 560_000, 0.55, 0.99, 0.93, -0.04, 0.10, 0.01, 0.2),
    Governorate(5, "Al-Hudud", "الحدود", 330_000, 0.45, 0.97, 0.91, -0.14, 0.22, 0.01, 0.1),
    Governorate(6, "Al-Jabal", "الجبل", 300_000, 0.35, 0.97, 0.91, -0.10, 0.02, 0.01, 0.5),
    Governorate(7, "Al-Wadi", "الوادي", 420_000, 0.40, 0.96, 0.90, -0.05, 0.02, 0.01, 0.3),
    Governorate(8, "Al-Sahl", "السهل", 480_000, 0.42, 0.97, 0.91, 0.00, 0.03, 0.02, 0.2),
    Governorate(9, "Al-Nakhil", "النخيل", 260_000, 0.38, 0.95, 0.89, -0.12, 0.01, 0.01, 0.4),
    Governorate(10, "Al-Waha", "الواحة", 120_000, 0.50, 0.98, 0.92, -0.06, 0.01, 0.02, 0.2),
    Governorate(11, "Al-Badiya", "البادية", 110_000, 0.30, 0.94, 0.88, -0.25, 0.03, 0.01, 0.0),
    Governorate(12, "Al-Janub", "الجنوب", 400_000, 0.33, 0.94, 0.88, -0.20, 0.02, 0.01, 0.4),
)

HOUSEHOLD_GROWTH = 0.022
"""Yearly growth of the number of households since the census."""

# Real consumption index (2024 = 1): about 2 % a year, with a dip in 2020.
_REAL = {2019: 0.909, 2020: 0.893, 2021: 0.914, 2022: 0.943, 2023: 0.972, 2024: 1.0}
# Consumer prices (2024 = 1): 2.5 % in 2020, 3 %, 6.5 %, 5 %, 3.5 % in 2024.
_CPI = {2019: 0.819, 2020: 0.839, 2021: 0.864, 2022: 0.920, 2023: 0.966, 2024: 1.0}
_REAL_GROWTH, _INFLATION = 0.02, 0.03


def _extend(table: dict[int, float], year: int, rate: float) -> float:
    if year in table:
        return table[year]
    first, last = min(table), max(table)
    edge = first if year < first else last
    return table[edge] * (1.0 + rate) ** (year - edge)


@dataclass(frozen=True, slots=True)
class Trend:
    """Where the country stands in ``year``."""

    year: int
    real: float
    """Real consumption and earnings index (2024 = 1)."""
    cpi: float
    """Consumer price index (2024 = 1)."""
    households: float
    """Households relative to the census."""

    @property
    def t(self) -> float:
        """Years since 2024 (negative before): drives access and school trends."""
        return float(self.year - BASE_YEAR)

    @property
    def nominal(self) -> float:
        """Nominal money per real 2024 unit."""
        return self.real * self.cpi


def trend(year: int) -> Trend:
    """The country in ``year``; an error outside ``FIRST_YEAR``..``LAST_YEAR``."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DataError(
            said(
                "year {year} is outside {first_year}-{last_year}, the years synth models",
                year=year,
                first_year=FIRST_YEAR,
                last_year=LAST_YEAR,
            )
        )
    return Trend(
        year=year,
        real=_extend(_REAL, year, _REAL_GROWTH),
        cpi=_extend(_CPI, year, _INFLATION),
        households=(1.0 + HOUSEHOLD_GROWTH) ** (year - CENSUS_YEAR),
    )


def governorate_array(field: str) -> npt.NDArray[np.float64]:
    """One field of every governorate, indexed by governorate code (index 0 unused)."""
    values = [0.0] + [float(getattr(g, field)) for g in GOVERNORATES]
    return np.asarray(values, dtype=np.float64)
