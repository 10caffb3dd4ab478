"""How an impact statement names its survey: ``SurveyRef``, never a server path.

Two kinds: the synthetic demo country (``synthetic``: year, households, seed;
the same survey is generated again from them), and a survey folder
(``folder``: a name under ``<INSAF_DATA>/surveys/``, holding ``survey.yaml``).
A reference is checked when it is made (``from_key``, ``from_dict``); the
model field that stores it validates it too (``validate_survey``).

The surveys offered for a statement are the ones the observatory published
from (``Release.survey``, set by the demo loader and by ``insaf observatory
compute`` for a survey in that folder), then the other survey folders there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from insaf.errors import InsafError
from insaf.web.core.errors import error_text

if TYPE_CHECKING:
    from insaf.survey import Survey

__all__ = [
    "SurveyRef",
    "available_surveys",
    "latest_observatory_survey",
    "surveys_folder",
    "validate_survey",
]

_FOLDER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_KINDS = ("synthetic", "folder")


def surveys_folder() -> Path:
    """``<INSAF_DATA>/surveys``: the survey folders statements may use."""
    return Path(settings.DATA_DIR) / "surveys"


def _whole(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InsafError(f"survey reference: {field} must be a whole number from {low} to {high}")
    return value


@dataclass(frozen=True, slots=True)
class SurveyRef:
    """A survey a statement can open again: the synthetic demo country, or a survey folder.

    ``kind`` is ``synthetic`` (``year``, ``households``, ``seed``) or ``folder``
    (``name``: a folder under ``<INSAF_DATA>/surveys``). Built through
    ``from_key`` or ``from_dict``, every part is checked.
    """

    kind: str
    year: int | None = None
    households: int | None = None
    seed: int | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if self.kind == "synthetic":
            _whole(self.year, "year", 1900, 2200)
            _whole(self.households, "households", 1, 10_000_000)
            _whole(self.seed, "seed", 0, 2**63 - 1)
            if self.name is not None:
                raise InsafError("survey reference: a synthetic survey has no folder name")
        elif self.kind == "folder":
            if not isinstance(self.name, str) or not _FOLDER_NAME.match(self.name):
                raise InsafError(
                    f"survey reference: folder name {self.name!r} must be letters, digits, "
                    "'.', '_' or '-' (at most 100, not starting with '.')"
                )
            if any(v is not None for v in (self.year, self.households, self.seed)):
                raise InsafError("survey reference: a survey folder has only a name")
        else:
            raise InsafError(
                f"survey reference: kind {self.kind!r} is not one of {', '.join(_KINDS)}"
            )

    @property
    def key(self) -> str:
        if self.kind == "synthetic":
            return f"synthetic:{self.year}:{self.households}:{self.seed}"
        return f"folder:{self.name}"

    @classmethod
    def from_key(cls, key: str) -> SurveyRef:
        kind, _sep, rest = key.partition(":")
        if kind == "synthetic":
            parts = rest.split(":")
            if len(parts) == 3 and all(p.isdigit() and len(p) < 20 for p in parts):
                year, households, seed = (int(p) for p in parts)
                return cls("synthetic", year=year, households=households, seed=seed)
        elif kind == "folder":
            return cls("folder", name=rest)
        raise InsafError(f"not a survey reference: {key[:120]!r}")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for field in ("year", "households", "seed", "name"):
            value = getattr(self, field)
            if value is not None:
                out[field] = value
        return out

    @classmethod
    def from_dict(cls, data: object) -> SurveyRef:
        if not isinstance(data, dict):
            raise InsafError("survey reference: expected an object with a kind")
        unknown = sorted(set(data) - {"kind", "year", "households", "seed", "name"})
        if unknown:
            raise InsafError(f"survey reference: unknown key(s) {', '.join(map(str, unknown))}")
        return cls(
            kind=str(data.get("kind")),
            year=data.get("year"),
            households=data.get("households"),
            seed=data.get("seed"),
            name=data.get("name"),
        )

    def label(self) -> str:
        if self.kind == "synthetic":
            return _(
                "demo country survey %(year)s (synthetic, %(households)s households, seed %(seed)s)"
            ) % {"year": self.year, "households": self.households, "seed": self.seed}
        return _("survey folder %(name)s") % {"name": self.name}

    def folder(self) -> Path:
        """The survey folder (``folder`` kind): inside ``<INSAF_DATA>/surveys``, holding a
        ``survey.yaml``."""
        base = surveys_folder().resolve()
        path = (base / str(self.name)).resolve()
        if self.kind != "folder" or path.parent != base:
            raise InsafError(f"survey reference {self.key!r} names no survey folder")
        if not (path / "survey.yaml").is_file():
            raise InsafError(
                _("There is no survey folder %(name)s with a survey.yaml in the data folder.")
                % {"name": self.name}
            )
        return path

    def open(self) -> Survey:
        if self.kind == "synthetic":
            from insaf.survey.synth import synthesize

            # year, households and seed were checked when the reference was made
            return synthesize(int(self.households or 0), int(self.seed or 0), int(self.year or 0))
        from insaf.survey import open_survey

        return open_survey(self.folder())


def validate_survey(value: object) -> None:
    """Model field validator: a survey reference as ``SurveyRef.to_dict`` writes it."""
    from django.core.exceptions import ValidationError

    try:
        SurveyRef.from_dict(value)
    except InsafError as exc:
        raise ValidationError(error_text(exc)) from None


def available_surveys() -> list[SurveyRef]:
    """The surveys the observatory published from (latest year first), then survey folders."""
    from insaf.web.observatory.models import Release

    seen: dict[str, SurveyRef] = {}
    for key in (
        Release.objects.exclude(survey="").order_by("-at", "-id").values_list("survey", flat=True)
    ):
        try:
            ref = SurveyRef.from_key(key)
        except InsafError:
            continue
        seen.setdefault(ref.key, ref)
    refs = sorted(seen.values(), key=lambda r: -(r.year or 0))
    folder = surveys_folder()
    if folder.is_dir():
        for manifest in sorted(folder.glob("*/survey.yaml")):
            if not _FOLDER_NAME.match(manifest.parent.name):
                continue
            ref = SurveyRef("folder", name=manifest.parent.name)
            if ref.key not in seen:
                refs.append(ref)
    return refs


def latest_observatory_survey() -> SurveyRef | None:
    """The survey of the latest year the observatory published, if it can be opened again."""
    refs = [r for r in available_surveys() if r.kind == "synthetic"]
    if refs:
        return max(refs, key=lambda r: r.year or 0)
    refs = available_surveys()
    return refs[0] if refs else None
