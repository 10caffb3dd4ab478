"""Survey microdata with its sampling design: tables, keys, design, labels, files."""

from typing import TYPE_CHECKING, Any

from insaf.survey.calibration import CalibrationError, calibrate, poststratify, rake
from insaf.survey.design import (
    Calibration,
    Design,
    Distance,
    LonelyPSU,
    ReplicateMethod,
    Replicates,
)
from insaf.survey.io import read_table, write_table
from insaf.survey.load import DesignOptions, open_survey, write_survey
from insaf.survey.metadata import Label, Metadata, Role, Variable, VariableType
from insaf.survey.survey import Level, Survey, Unit
from insaf.survey.table import Format, Source, Table

if TYPE_CHECKING:
    from insaf.survey.manifest import MANIFEST_NAME, Manifest, read_manifest
    from insaf.survey.partitioned import (
        PartitionedSurvey,
        open_partitioned,
        write_partitioned_survey,
    )

_MANIFEST = ("MANIFEST_NAME", "Manifest", "read_manifest")
"""Names of ``insaf.survey.manifest`` (pydantic and YAML), imported on first use:
opening a data file or estimating needs no manifest."""
_PARTITIONED = ("PartitionedSurvey", "open_partitioned", "write_partitioned_survey")
"""Names of ``insaf.survey.partitioned`` (a survey in parts), imported on first use."""


def __getattr__(name: str) -> Any:
    if name in _MANIFEST:
        from insaf.survey import manifest

        return getattr(manifest, name)
    if name in _PARTITIONED:
        from insaf.survey import partitioned

        return getattr(partitioned, name)
    raise AttributeError(f"module 'insaf.survey' has no attribute {name!r}")


__all__ = [
    "MANIFEST_NAME",
    "Calibration",
    "CalibrationError",
    "Design",
    "DesignOptions",
    "Distance",
    "Format",
    "Label",
    "Level",
    "LonelyPSU",
    "Manifest",
    "Metadata",
    "PartitionedSurvey",
    "ReplicateMethod",
    "Replicates",
    "Role",
    "Source",
    "Survey",
    "Table",
    "Unit",
    "Variable",
    "VariableType",
    "calibrate",
    "open_partitioned",
    "open_survey",
    "poststratify",
    "rake",
    "read_manifest",
    "read_table",
    "write_partitioned_survey",
    "write_survey",
    "write_table",
]
