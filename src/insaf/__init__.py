"""INSAF (إنصاف): integrated social policy analysis.

Survey microdata with its design (``insaf.survey``), poverty, inequality and
equity measures with design-based standard errors (``insaf.measures``), and the
tiers built on them.
"""

__version__ = "0.1.0"
"""The release; pyproject.toml reads it from here (``[tool.setuptools.dynamic]``)."""

__all__ = ["__version__"]
