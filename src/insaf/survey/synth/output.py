"""Where ``insaf synth`` may write a survey: never over data it did not make.

A synthetic survey can be made again from its seed, so writing over one loses
nothing; a survey of real households cannot. So the folder ``synth`` writes to
may be new, empty, or hold a survey whose ``survey.yaml`` says it is synthetic
(an earlier ``insaf synth``, or the demo ``make run`` writes). Anything else
that a survey's files would replace (a ``survey.yaml`` of a real survey, or a
``households``, ``persons`` or ``consumption`` table without a synthetic
manifest beside it) is refused, naming the file, unless overwriting is asked
for. Other files in the folder are left as they are.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from insaf.errors import DataError, Location, said
from insaf.survey.manifest import MANIFEST_NAME

__all__ = ["check_synth_output"]

TABLES = ("households", "persons", "consumption")


def check_synth_output(out: Path, *, overwrite: bool = False) -> None:
    """Refuse ``out`` when writing a synthetic survey there would replace data that
    no ``insaf synth`` made (see the module), unless ``overwrite``."""
    if out.exists() and not out.is_dir():
        raise DataError(said("the output is a file, not a folder"), Location(file=str(out)))
    if overwrite or not out.is_dir():
        return
    manifest = out / MANIFEST_NAME
    replaced: Path | None
    if manifest.is_file():
        replaced = None if _synthetic(manifest) else manifest
    else:
        replaced = next(
            (p for p in sorted(out.iterdir()) if p.is_file() and p.stem in TABLES), None
        )
    if replaced is None:
        return
    raise DataError(
        said(
            "the output folder holds a survey that insaf synth did not make, and "
            "writing would replace this file; choose another folder, or allow "
            "overwriting (--overwrite)",
        ),
        Location(file=str(replaced)),
    )


def _synthetic(manifest: Path) -> bool:
    try:
        found = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(found, dict) and found.get("synthetic") is True
