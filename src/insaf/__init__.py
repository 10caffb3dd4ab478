"""INSAF (إنصاف): integrated social policy analysis.

Survey microdata with its design (``insaf.survey``), poverty, inequality and
equity measures with design-based standard errors (``insaf.measures``), and the
tiers built on them.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("insaf")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
