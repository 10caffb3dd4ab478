"""Opening a survey by path (a manifest, a folder holding one, or a single data
file with design options) and writing a whole survey with its manifest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from insaf._renamed import renamed_keywords
from insaf.errors import DataError, Location, said
from insaf.survey.calibration import apply_calibration, uncalibrated
from insaf.survey.design import Design, LonelyPSU, Replicates
from insaf.survey.io import (
    parquet_files,
    read_metadata,
    read_table,
    scan_table,
    with_folder_keys,
    write_table,
)
from insaf.survey.metadata import Label, Metadata, Variable, VariableType
from insaf.survey.survey import Survey, Unit
from insaf.survey.table import Format, LazyTables, Source, Table

if TYPE_CHECKING:  # the manifest (pydantic, YAML) is imported when a manifest is read or written
    from insaf.survey.manifest import TableSpec

__all__ = ["DesignOptions", "is_parquet_dataset", "open_survey", "write_survey"]

MANIFEST_SUFFIXES = (".yaml", ".yml")


class DesignOptions:
    """Design columns given on the command line; each overrides the manifest's."""

    def __init__(
        self,
        *,
        weight: str | None = None,
        strata: str | None = None,
        psu: str | None = None,
        fpc: str | None = None,
        lonely_psu: LonelyPSU | str | None = None,
        replicates: Replicates | None = None,
    ) -> None:
        self.replicates = replicates
        self.weight = weight
        self.strata = strata
        self.psu = psu
        self.fpc = fpc
        self.lonely_psu = LonelyPSU(lonely_psu) if lonely_psu is not None else None

    def apply(self, design: Design | None, *, file: str) -> Design:
        weight = self.weight or (design.weight if design else None)
        if weight is None:
            raise DataError(
                said(
                    "no sampling weight: name the weight column (--weight COLUMN)",
                ),
                Location(file=file),
            )
        return Design(
            weight=weight,
            strata=self.strata or (design.strata if design else None),
            psu=self.psu or (design.psu if design else None),
            fpc=self.fpc or (design.fpc if design else None),
            replicates=self.replicates or (design.replicates if design else None),
            ssu=design.ssu if design else None,
            fpc2=design.fpc2 if design else None,
            ultimate_cluster=design.ultimate_cluster if design else False,
            calibration=design.calibration if design else None,
            lonely_psu=self.lonely_psu or (design.lonely_psu if design else LonelyPSU.FAIL),
        )


@renamed_keywords(level="unit")
def open_survey(
    path: str | Path,
    *,
    design: DesignOptions | None = None,
    unit: Unit | str = Unit.PERSON,
) -> Survey:
    """Open a survey from a manifest, a folder with a ``survey.yaml``, one data file,
    a folder of Parquet files (a partitioned dataset, read whole), or a survey in
    parts (a folder with a ``dataset.yaml``, every part read and stacked).

    A single data file, or a partitioned dataset, becomes a survey with one
    table at ``unit`` (rows are persons unless told otherwise); its design
    comes from ``design`` and the weight is required. Options in ``design``
    override a manifest's design.
    """
    path = Path(path)
    if path.is_dir():
        from insaf.survey.manifest import MANIFEST_NAME
        from insaf.survey.partitioned import is_partitioned_survey, open_partitioned

        if is_partitioned_survey(path):
            whole = open_partitioned(path).whole()
            if design is None:
                return whole
            return whole.with_design(design.apply(whole.design, file=str(path)))
        if is_parquet_dataset(path):
            return _open_dataset(path, design, unit)
        path = path / MANIFEST_NAME
    if not path.exists():
        raise DataError(said("file not found"), Location(file=str(path)))
    if path.suffix.lower() in MANIFEST_SUFFIXES:
        return _open_manifest(path, design)
    frame, metadata = read_table(path)
    return _one_table(frame, metadata, Source(str(path), Format.of(path)), design, unit)


def _one_table(
    frame: pl.DataFrame,
    metadata: Metadata,
    source: Source,
    design: DesignOptions | None,
    unit: Unit | str,
) -> Survey:
    """A survey of one table at ``unit``, its design from the options alone."""
    table = Table(name=Unit(unit).value + "s", frame=frame, source=source)
    chosen = (design or DesignOptions()).apply(None, file=source.path)
    slot = "persons" if Unit(unit) is Unit.PERSON else "households"
    return Survey(**{slot: table}, design=chosen, metadata=metadata, path=source.path)  # type: ignore[arg-type]


def is_parquet_dataset(path: str | Path) -> bool:
    """A ``.parquet`` file, or a folder of them (searched recursively) without a
    ``survey.yaml`` or ``dataset.yaml``: what the streamed engine reads."""
    path = Path(path)
    if path.is_dir():
        from insaf.survey.manifest import MANIFEST_NAME
        from insaf.survey.partitioned import DATASET_MANIFEST

        return (
            not (path / MANIFEST_NAME).exists()
            and not (path / DATASET_MANIFEST).exists()
            and next(path.rglob("*.parquet"), None) is not None
        )
    return path.suffix.lower() == ".parquet"


def _open_dataset(folder: Path, design: DesignOptions | None, unit: Unit | str) -> Survey:
    """The Parquet files under ``folder``, in the streamed engine's order, as one table,
    with the keys of Hive-style folders (``governorate=3/``) as columns where the
    files lack them; a file whose columns differ from the first's is an error
    naming both."""
    files = parquet_files(folder)
    first, metadata = read_table(files[0])
    first = with_folder_keys(first, files[0])
    frames = [first]
    for file in files[1:]:
        frame = with_folder_keys(read_table(file)[0], file)
        if frame.schema != first.schema:
            raise DataError(
                said(
                    "its columns differ from those of {file} (a dataset's files share "
                    "their columns and types): {schema} against {first_schema}",
                    file=files[0],
                    schema=dict(frame.schema),
                    first_schema=dict(first.schema),
                ),
                Location(file=str(file)),
            )
        frames.append(frame)
    whole = pl.concat(frames, how="vertical", rechunk=True)
    return _one_table(whole, metadata, Source(str(folder), Format.PARQUET), design, unit)


def _open_manifest(path: Path, options: DesignOptions | None) -> Survey:
    from insaf.survey.manifest import read_manifest

    manifest = read_manifest(path)
    declared = manifest.metadata()
    types = {n: v.type for n, v in declared.variables.items() if v.type is not None}
    embedded = Metadata()

    def read(name: str, spec: TableSpec) -> tuple[Table, Metadata]:
        file = path.parent / spec.path
        frame, found = read_table(file, format=spec.format, types=types)
        source = Source(str(file), Format.of(file, spec.format))
        table = Table(
            name=name, frame=frame, key=spec.key_columns, household=spec.household, source=source
        )
        return table, found

    def load(name: str, spec: TableSpec | None) -> Table | None:
        nonlocal embedded
        if spec is None:
            return None
        table, found = read(name, spec)
        embedded = embedded.merge(found)
        return table

    def reader(name: str, spec: TableSpec) -> Callable[[], Table]:
        return lambda: read(name, spec)[0]

    households = load("households", manifest.households)
    persons = load("persons", manifest.persons)
    # Item tables are read on first use; their labels now (a file's footer or header).
    for spec in manifest.items.values():
        file = path.parent / spec.path
        embedded = embedded.merge(read_metadata(file, format=spec.format))

    def scanner(spec: TableSpec) -> Callable[[], pl.LazyFrame | None]:
        return lambda: scan_table(path.parent / spec.path, format=spec.format, types=types)

    items = LazyTables(
        {name: reader(name, spec) for name, spec in manifest.items.items()},
        {name: scanner(spec) for name, spec in manifest.items.items()},
    )
    design = manifest.design.to_design()
    if options is not None:
        design = options.apply(design, file=str(path))
    survey = Survey(
        households=households,
        persons=persons,
        items=items,
        design=design,
        metadata=declared.merge(embedded),
        name=Label.of(manifest.name, manifest.label_language),
        year=manifest.year,
        synthetic=manifest.synthetic,
        policy=manifest.policy,
        path=str(path),
    )
    if manifest.calibration is None:
        return survey
    return apply_calibration(survey, manifest.calibration)


def write_survey(
    survey: Survey,
    folder: str | Path,
    *,
    format: Format | str = Format.PARQUET,
    lang: str = "en",
    description: Label | None = None,
) -> Path:
    """Write every table in ``format`` and a ``survey.yaml`` naming them; returns the manifest path.

    Labels in ``lang`` go into Stata and SPSS files; the manifest keeps every language.
    A calibrated survey is written with its weights before calibration and the
    calibration in the manifest, so that opening it calibrates it again.
    """
    from insaf.survey.manifest import (
        MANIFEST_NAME,
        DesignSpec,
        Manifest,
        TableSpec,
        VariableSpec,
        write_manifest,
    )

    survey, calibration = uncalibrated(survey)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fmt = Format(format)
    specs: dict[str, TableSpec] = {}
    for table in survey.tables:
        file = f"{table.name}.{fmt.value}"
        write_table(table.frame, folder / file, metadata=survey.metadata, format=fmt, lang=lang)
        key: str | list[str] | None = None
        if table.key:
            key = table.key[0] if len(table.key) == 1 else list(table.key)
        specs[table.name] = TableSpec(path=file, key=key, household=table.household)
    metadata = survey.metadata.merge(_storage_types(survey))
    manifest = Manifest(
        name=survey.name.to_dict() or None,
        description=description.to_dict() if description else None,
        year=survey.year,
        synthetic=survey.synthetic,
        label_language="ar" if lang == "ar" else "en",
        households=specs.pop("households", None),
        persons=specs.pop("persons", None),
        items=specs,
        design=DesignSpec.of(survey.design),
        calibration=calibration,
        variables={n: VariableSpec.of(v) for n, v in metadata.variables.items()},
        policy=dict(survey.policy),
    )
    target = folder / MANIFEST_NAME
    write_manifest(manifest, target)
    return target


def _storage_types(survey: Survey) -> Metadata:
    """The type of every column, so that a format without types (CSV) or with
    fewer (Stata, SPSS) reads back exactly what was written."""
    found: dict[str, Variable] = {}
    for table in survey.tables:
        for name, dtype in table.frame.schema.items():
            vtype = _TYPES.get(type(dtype))
            if vtype is None:
                vtype = VariableType.INT if dtype.is_integer() else None
            if vtype is not None:
                found.setdefault(name, Variable(name=name, type=vtype))
    return Metadata(found)


_TYPES = {
    pl.Float64: VariableType.FLOAT,
    pl.Float32: VariableType.FLOAT,
    pl.String: VariableType.STR,
    pl.Boolean: VariableType.BOOL,
}
