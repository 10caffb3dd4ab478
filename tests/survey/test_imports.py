"""Opening a data file and estimating import only what they use: not the survey
manifest nor the MPI specification (pydantic models, YAML), which a manifest or an
MPI needs; naming them from ``insaf.survey`` or ``insaf.measures`` still works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

UNUSED = ("yaml", "insaf.specs", "insaf.survey.manifest", "insaf.measures.mpi_spec")

ESTIMATE = """
import sys
from insaf.measures import fgt, gini
from insaf.survey import DesignOptions, open_survey
survey = open_survey(sys.argv[1], design=DesignOptions(weight="w", strata="s", psu="p"))
gini(survey, "y")
fgt(survey, "y", line=2.5, alpha=0, by="d")
print(",".join(m for m in sys.argv[2:] if m in sys.modules))
"""


def test_estimating_from_a_data_file_imports_no_manifest(tmp_path: Path) -> None:
    data = tmp_path / "persons.parquet"
    pl.DataFrame(
        {
            "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
            "w": [1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0],
            "s": [1, 1, 1, 1, 2, 2, 2, 2],
            "p": [1, 1, 2, 2, 3, 3, 4, 4],
            "d": [0, 1, 0, 1, 0, 1, 0, 1],
        }
    ).write_parquet(data)
    run = [sys.executable, "-c", ESTIMATE, str(data), *UNUSED]
    loaded = subprocess.run(run, capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


def test_the_lazy_names_are_there() -> None:
    import insaf.measures as m
    import insaf.survey as s
    from insaf.measures.mpi_spec import MPISpec, load_mpi_spec
    from insaf.survey.manifest import MANIFEST_NAME, Manifest, read_manifest

    assert (s.MANIFEST_NAME, s.Manifest, s.read_manifest) == (
        MANIFEST_NAME,
        Manifest,
        read_manifest,
    )
    assert (m.MPISpec, m.load_mpi_spec) == (MPISpec, load_mpi_spec)
