"""A survey stored in parts: ``dataset.yaml`` beside one folder of Parquet files per table.

``insaf synth --partitioned`` writes one (see docs/scale.md)::

    census/dataset.yaml
    census/households/governorate=1/part-00000.parquet
    census/persons/governorate=1/part-00000.parquet
    census/consumption/governorate=1/part-00000.parquet

Folders are split by household variables, Hive style (``governorate=1/``); a
household file that lacks such a variable gets it from its folder. A *part* is
one relative path (``governorate=1/part-00000.parquet``): the
households of the household table's file, and the persons and items of the
files at the same path under the other tables' folders. Every table has the
same parts, or the dataset is refused with the missing file named. Parts are
read in sorted order, the order the streamed engine reads files in.

``open_partitioned(folder)`` checks the manifest and the parts without reading
rows; ``dataset.survey(part)`` reads one part as a ``Survey`` (what
``insaf simulate --engine stream`` computes on, one at a time) and
``dataset.whole()`` every part at once, as one in-memory survey.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from insaf.errors import DataError, Location, said
from insaf.specs import load_spec
from insaf.survey.design import Design
from insaf.survey.io import read_metadata, read_table, with_folder_keys
from insaf.survey.manifest import DesignSpec, LabelSpec, VariableSpec, key_columns
from insaf.survey.metadata import Label, Metadata, Variable
from insaf.survey.survey import Survey
from insaf.survey.table import Format, Source, Table

__all__ = [
    "DATASET_MANIFEST",
    "DatasetManifest",
    "PartitionedSurvey",
    "is_partitioned_survey",
    "open_partitioned",
    "write_partitioned_survey",
]

DATASET_MANIFEST = "dataset.yaml"
HOUSEHOLDS, PERSONS = "households", "persons"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartTable(_Spec):
    """One table of the dataset: a folder of Parquet files."""

    path: str
    key: str | list[str] | None = None
    household: str | None = None
    partitioned_by: list[str] = Field(default_factory=list)
    format: Literal["parquet"] = "parquet"
    carried: list[str] = Field(
        default_factory=list, description="household columns each row carries as well"
    )

    @property
    def key_columns(self) -> tuple[str, ...]:
        return key_columns(self.key)


class DatasetManifest(_Spec):
    """The contents of a ``dataset.yaml``."""

    insaf: Literal[1] = 1
    kind: str | None = None
    synthetic: bool = False
    name: LabelSpec | None = None
    description: LabelSpec | None = None
    seed: int | None = None
    year: int | None = None
    rows: dict[str, int] = Field(default_factory=dict)
    tables: dict[str, PartTable]
    design: DesignSpec
    variables: dict[str, dict[str, LabelSpec | VariableSpec]] = Field(default_factory=dict)
    """Per table, each variable's label (``{en:, ar:}``) or its whole description."""
    policy: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _tables(self) -> DatasetManifest:
        households = self.tables.get(HOUSEHOLDS)
        if households is None:
            raise ValueError(
                said(
                    "tables: a partitioned survey needs a 'households' table",
                )
            )
        if not households.key_columns:
            raise ValueError(said("tables.households.key is required"))
        for name, table in self.tables.items():
            if name != HOUSEHOLDS and table.household is None:
                raise ValueError(
                    said(
                        "tables.{name}.household (the household key) is required",
                        name=name,
                    )
                )
        return self

    def metadata(self) -> Metadata:
        found: list[Variable] = []
        for variables in self.variables.values():
            for name, spec in variables.items():
                if isinstance(spec, VariableSpec):
                    found.append(
                        Variable(
                            name=name,
                            label=Label.of(spec.label),
                            values={code: Label.of(text) for code, text in spec.values.items()},
                            type=spec.type,
                            role=spec.role,
                            unit_of_measure=spec.unit_of_measure,
                        )
                    )
                else:
                    found.append(Variable(name=name, label=Label.of(spec)))
        return Metadata.of(found)


def is_partitioned_survey(path: str | Path) -> bool:
    """A folder holding a ``dataset.yaml``."""
    return (Path(path) / DATASET_MANIFEST).is_file()


@dataclass(frozen=True)
class PartitionedSurvey:
    """A survey in parts (see the module): its manifest, folder and parts."""

    folder: Path
    manifest: DatasetManifest
    parts: tuple[str, ...]
    metadata: Metadata

    @property
    def design(self) -> Design:
        return self.manifest.design.to_design()

    @property
    def tables(self) -> Mapping[str, PartTable]:
        return self.manifest.tables

    def file(self, table: str, part: str) -> Path:
        return self.folder / self.tables[table].path / part

    def files(self, table: str) -> list[Path]:
        """A table's files, one a part, in the parts' order (the order ``whole`` stacks)."""
        return [self.file(table, part) for part in self.parts]

    def shape(self, table: str) -> tuple[int, int]:
        """Rows and values (rows times columns) of a table, from its files' footers."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = values = 0
        for part in self.parts:
            path = self.file(table, part)
            try:
                meta = pq.ParquetFile(path).metadata
            except (OSError, pa.ArrowException) as exc:
                raise DataError(
                    said("cannot read Parquet file: {reason}", reason=str(exc)),
                    Location(file=str(path)),
                ) from None
            rows += int(meta.num_rows)
            values += int(meta.num_rows) * int(meta.num_columns)
        return rows, values

    def _read(self, table: str, part: str) -> Table:
        spec = self.tables[table]
        path = self.file(table, part)
        frame, _ = read_table(path, format=Format.PARQUET)
        if table == HOUSEHOLDS:  # the folders' keys are household variables
            frame = with_folder_keys(frame, path)
        return Table(
            name=table,
            frame=frame,
            key=spec.key_columns,
            household=spec.household,
            source=Source(str(path), Format.PARQUET),
        )

    def survey(self, part: str) -> Survey:
        """One part as a survey: its households, their persons and their items."""
        if part not in self.parts:
            raise DataError(
                said("no part {part} in this dataset", part=repr(part)),
                Location(file=str(self.folder)),
            )
        tables = {name: self._read(name, part) for name in self.tables}
        return self.assemble(tables, path=str(self.file(HOUSEHOLDS, part)))

    def __iter__(self) -> Iterator[Survey]:
        for part in self.parts:
            yield self.survey(part)

    def whole(self) -> Survey:
        """Every part read and stacked, in the parts' order: one survey in memory."""
        tables: dict[str, Table] = {}
        for name in self.tables:
            read = [self._read(name, part) for part in self.parts]
            first = read[0]
            for table in read[1:]:
                if table.frame.schema != first.frame.schema:
                    raise DataError(
                        said(
                            "its columns differ from those of {file} (the files of a table share "
                            "their columns and types): {schema}",
                            file=first.where().file,
                            schema=dict(table.frame.schema),
                        ),
                        table.where(),
                    )
            frame = pl.concat([t.frame for t in read], how="vertical", rechunk=True)
            tables[name] = Table(
                name=name,
                frame=frame,
                key=first.key,
                household=first.household,
                source=Source(str(self.folder / self.tables[name].path), Format.PARQUET),
            )
        return self.assemble(tables, path=str(self.folder))

    def assemble(self, tables: Mapping[str, Table], *, path: str) -> Survey:
        """A survey of ``tables`` (``households`` and, optionally, ``persons`` and item
        tables) with the dataset's design, labels, name and policies."""
        manifest = self.manifest
        return Survey(
            households=tables[HOUSEHOLDS],
            persons=tables.get(PERSONS),
            items={n: t for n, t in tables.items() if n not in (HOUSEHOLDS, PERSONS)},
            design=self.design,
            metadata=self.metadata,
            name=Label.of(manifest.name),
            year=manifest.year,
            synthetic=manifest.synthetic,
            policy=manifest.policy,
            path=path,
        )


def open_partitioned(folder: str | Path) -> PartitionedSurvey:
    """Read ``folder/dataset.yaml`` and list the parts, without reading any row.

    Errors name the manifest's key, or the file a table lacks: every table must
    have a file at each path the household table has, and no other.
    """
    folder = Path(folder)
    manifest_path = folder / DATASET_MANIFEST
    if not manifest_path.is_file():
        raise DataError(
            said(
                "no {name} in this folder",
                name=DATASET_MANIFEST,
            ),
            Location(file=str(folder)),
        )
    manifest = load_spec(DatasetManifest, manifest_path)
    found: dict[str, set[str]] = {}
    for name, spec in manifest.tables.items():
        root = folder / spec.path
        if not root.is_dir():
            raise DataError(
                said(
                    "table {name}: no folder {path}",
                    name=repr(name),
                    path=repr(spec.path),
                ),
                Location(file=str(manifest_path)),
            )
        found[name] = {p.relative_to(root).as_posix() for p in root.rglob("*.parquet")}
    parts = found[HOUSEHOLDS]
    if not parts:
        raise DataError(
            said("no .parquet file"), Location(file=str(folder / manifest.tables[HOUSEHOLDS].path))
        )
    for name, paths in found.items():
        root = folder / manifest.tables[name].path
        for missing in sorted(parts - paths):
            raise DataError(
                said(
                    "table {name} has no part {missing}, which the household table has "
                    "(every table is split into the same parts)",
                    name=repr(name),
                    missing=repr(missing),
                ),
                Location(file=str(root / missing)),
            )
        for extra in sorted(paths - parts):
            raise DataError(
                said(
                    "the household table has no part {extra} (every table is split into "
                    "the same parts)",
                    extra=repr(extra),
                ),
                Location(file=str(root / extra)),
            )
    ordered = tuple(sorted(parts))
    metadata = manifest.metadata()
    for name in manifest.tables:
        embedded = read_metadata(folder / manifest.tables[name].path / ordered[0])
        metadata = metadata.merge(embedded)
    return PartitionedSurvey(folder=folder, manifest=manifest, parts=ordered, metadata=metadata)


def variable_entry(variable: Variable) -> dict[str, Any]:
    """What ``dataset.yaml`` says of ``variable``: its labels, type, role, unit of measure
    and value labels, the codes kept as numbers (YAML keys, not JSON's strings)."""
    spec = VariableSpec.of(variable)
    entry = spec.model_dump(mode="json", exclude_none=True)
    if spec.values:
        entry["values"] = dict(spec.values)
    else:
        entry.pop("values", None)
    return entry


def write_partitioned_survey(
    survey: Survey,
    folder: str | Path,
    *,
    by: str,
    households: int = 200_000,
    carried: Sequence[str] = (),
) -> PartitionedSurvey:
    """Write ``survey`` as a survey in parts: one folder per table, split by the household
    variable ``by`` (Hive style, ``by=value/``) and within each value into parts of at
    most ``households`` households, in the survey's row order; then open it.

    ``carried``: household columns copied onto each person's row as well (the
    manifest's ``carried``), as ``insaf synth --partitioned`` writes a census: the
    out-of-core engines read a survey in parts from its persons' rows alone."""
    if survey.households is None or survey.household_key is None:
        raise DataError(said("a survey in parts needs a household table with a key"))
    if households < 1:
        raise DataError(
            said(
                "parts need at least one household each (not {households})",
                households=households,
            )
        )
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise DataError(said("the output folder is not empty"), Location(file=str(folder)))
    key = survey.household_key
    frame = survey.households.frame
    if by not in frame.columns:
        raise DataError(
            said("no household variable {by} to split by", by=repr(by)),
            survey.households.where(column=by),
        )
    if frame.get_column(by).null_count():
        raise DataError(
            said(
                "{null_count} household(s) have no {by} to be split by",
                null_count=frame.get_column(by).null_count(),
                by=repr(by),
            ),
            survey.households.where(column=by),
        )
    missing = [c for c in carried if c not in frame.columns]
    if missing:
        raise DataError(
            said(
                "no household column {missing} to carry to persons",
                missing=repr(missing[0]),
            ),
            survey.households.where(column=missing[0]),
        )
    persons = survey.persons
    carried = [c for c in dict.fromkeys(carried) if c != key]
    if carried and persons is not None:
        clash = [c for c in carried if c in persons.frame.columns]
        if clash:
            raise DataError(
                said(
                    "the persons have a column {clash} of their own: it cannot be carried "
                    "from their households",
                    clash=repr(clash[0]),
                ),
                persons.where(column=clash[0]),
            )
        joined = persons.frame.join(
            frame.select(key, *carried), on=key, how="left", maintain_order="left"
        )
        persons = replace(persons, frame=joined)
    linked = {"persons": persons, **dict(survey.items)}
    order = frame.with_row_index("__row__")
    for value in sorted(frame.get_column(by).unique().drop_nulls().to_list()):
        rows = order.filter(pl.col(by) == value)
        for serial, start in enumerate(range(0, rows.height, households)):
            chunk = rows.slice(start, households).drop("__row__")
            part = f"{by}={value}/part-{serial:05d}.parquet"
            written = {"households": chunk}
            for name, table in linked.items():
                if table is not None:
                    ids = chunk.get_column(key)
                    written[name] = table.frame.filter(pl.col(key).is_in(ids.implode()))
            for name, table_frame in written.items():
                path = folder / name / part
                path.parent.mkdir(parents=True, exist_ok=True)
                table_frame.write_parquet(path)
    tables: dict[str, Any] = {
        "households": {
            "path": "households",
            "key": list(survey.households.key or (key,)),
            "partitioned_by": [by],
        },
    }
    for name, table in linked.items():
        if table is not None:
            tables[name] = {
                "path": name,
                "key": list(table.key) or None,
                "household": key,
                "partitioned_by": [by],
            }
    if carried and persons is not None:
        tables["persons"]["carried"] = carried
    manifest = DatasetManifest(
        synthetic=survey.synthetic,
        name=survey.name.to_dict() or None,
        year=survey.year,
        rows={
            "households": frame.height,
            **{n: t.height for n, t in linked.items() if t is not None},
        },
        tables=tables,
        design=DesignSpec.of(survey.design),
        policy=dict(survey.policy),
    )
    data = manifest.model_dump(mode="json", exclude_none=True)
    data["variables"] = {
        "households": {n: variable_entry(v) for n, v in survey.metadata.variables.items()}
    }
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    (folder / DATASET_MANIFEST).write_text(text, encoding="utf-8")
    return open_partitioned(folder)
