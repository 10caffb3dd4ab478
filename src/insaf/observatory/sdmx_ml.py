"""The observatory as SDMX-ML 2.1 (with ``sdmx1``): structure (DSD, codelists) and data.

One dataflow, ``INSAF:DF_OBSERVATORY(1.0)``, the one SDMX-CSV names
(``insaf.observatory.export``). Its data structure definition
``DSD_OBSERVATORY`` has the dimensions ``INDICATOR``, ``REF_AREA``, one per
catalogue dimension (its SDMX id; ``_T`` is the total) and ``TIME_PERIOD``;
the measure ``OBS_VALUE``; and the attributes ``UNIT_MEASURE``, ``OBS_STATUS``,
``CONF_STATUS``, ``STD_ERR``, ``LOWER_BOUND``, ``UPPER_BOUND`` and
``OBS_COUNT`` at the level of the observation. Every coded dimension and status
has a codelist with English and Arabic names; the concepts are in
``CS_OBSERVATORY``.

Data messages are built from :func:`insaf.observatory.export.public_record`,
so a suppressed cell carries no number here either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sdmx
from sdmx.message import DataMessage, StructureMessage
from sdmx.model import common, v21

from insaf.observatory.export import SDMX_ATTRIBUTES, TOTAL, public_record, status_code
from insaf.observatory.indicators import Catalogue, Text
from insaf.observatory.observations import Observation

__all__ = [
    "AGENCY",
    "DATAFLOW_ID",
    "DSD_ID",
    "VERSION",
    "data_message",
    "structure_message",
    "to_xml",
]

AGENCY = "INSAF"
DATAFLOW_ID = "DF_OBSERVATORY"
DSD_ID = "DSD_OBSERVATORY"
VERSION = "1.0"

_OBS_STATUS = {
    "A": Text(en="Normal value", ar="قيمة عادية"),
    "B": Text(en="Break in series", ar="انقطاع في السلسلة"),
    "E": Text(en="Estimated value", ar="قيمة تقديرية"),
    "P": Text(en="Provisional value", ar="قيمة أولية"),
    "U": Text(en="Low reliability", ar="موثوقية منخفضة"),
    "O": Text(en="Missing value", ar="قيمة غير متاحة"),
}
_CONF_STATUS = {
    "F": Text(en="Free", ar="متاحة للنشر"),
    "C": Text(en="Confidential statistical information", ar="معلومة إحصائية سرية"),
}
_TOTAL_NAME = Text(en="Total", ar="المجموع")
_CONCEPTS = {
    "INDICATOR": Text(en="Indicator", ar="المؤشر"),
    "REF_AREA": Text(en="Reference area", ar="المنطقة المرجعية"),
    "TIME_PERIOD": Text(en="Time period", ar="الفترة الزمنية"),
    "OBS_VALUE": Text(en="Observation value", ar="قيمة المشاهدة"),
    "UNIT_MEASURE": Text(en="Unit of measure", ar="وحدة القياس"),
    "OBS_STATUS": Text(en="Observation status", ar="حالة المشاهدة"),
    "CONF_STATUS": Text(en="Confidentiality status", ar="حالة السرية"),
    "STD_ERR": Text(en="Standard error", ar="الخطأ المعياري"),
    "LOWER_BOUND": Text(
        en="Lower bound of the 95% confidence interval", ar="الحد الأدنى لفترة الثقة 95%"
    ),
    "UPPER_BOUND": Text(
        en="Upper bound of the 95% confidence interval", ar="الحد الأعلى لفترة الثقة 95%"
    ),
    "OBS_COUNT": Text(en="Number of observations in the sample", ar="عدد المشاهدات في العينة"),
}


def _name(text: Text) -> dict[str, str]:
    return {"en": text.en, "ar": text.ar}


def _agency() -> common.Agency:
    return common.Agency(
        id=AGENCY, name={"en": "INSAF Social Observatory", "ar": "مرصد إنصاف الاجتماعي"}
    )


def _codelist(cl_id: str, name: Text, codes: Iterable[tuple[str, Text]]) -> v21.Codelist:
    codelist = v21.Codelist(
        id=cl_id, name=_name(name), version=VERSION, maintainer=_agency(), is_final=True
    )
    for code, label in codes:
        codelist.append(common.Code(id=code, name=_name(label)))
    return codelist


def _codelists(catalogue: Catalogue, areas: Sequence[str]) -> dict[str, v21.Codelist]:
    """Codelists by the id of the component they represent."""
    out = {
        "INDICATOR": _codelist(
            "CL_INDICATOR", _CONCEPTS["INDICATOR"], ((i.code, i.name) for i in catalogue.indicators)
        ),
        "REF_AREA": _codelist(
            "CL_AREA",
            _CONCEPTS["REF_AREA"],
            (
                (a, catalogue.area_name if a == catalogue.area else Text(en=a, ar=a))
                for a in _areas(catalogue, areas)
            ),
        ),
        "OBS_STATUS": _codelist("CL_OBS_STATUS", _CONCEPTS["OBS_STATUS"], _OBS_STATUS.items()),
        "CONF_STATUS": _codelist("CL_CONF_STATUS", _CONCEPTS["CONF_STATUS"], _CONF_STATUS.items()),
    }
    for dim in catalogue.dimensions:
        codes = [(TOTAL, _TOTAL_NAME), *((c.code, c.name) for c in dim.categories)]
        out[dim.sdmx_id] = _codelist(f"CL_{dim.sdmx_id}", dim.name, codes)
    return out


def _areas(catalogue: Catalogue, areas: Sequence[str]) -> list[str]:
    return sorted({catalogue.area, *areas})


def structure_message(catalogue: Catalogue, *, areas: Sequence[str] = ()) -> StructureMessage:
    """The dataflow, its DSD, concepts and codelists.

    ``areas``: area codes of ``CL_AREA`` besides the catalogue's own.
    """
    codelists = _codelists(catalogue, areas)
    concepts = v21.ConceptScheme(
        id="CS_OBSERVATORY",
        name={
            "en": "Concepts of the INSAF Social Observatory",
            "ar": "مفاهيم مرصد إنصاف الاجتماعي",
        },
        version=VERSION,
        maintainer=_agency(),
        is_final=True,
    )
    names = dict(_CONCEPTS)
    for dim in catalogue.dimensions:
        names[dim.sdmx_id] = dim.name
    for concept_id, text in names.items():
        concepts.append(common.Concept(id=concept_id, name=_name(text)))

    dsd = v21.DataStructureDefinition(
        id=DSD_ID,
        name={"en": "INSAF Social Observatory", "ar": "مرصد إنصاف الاجتماعي"},
        version=VERSION,
        maintainer=_agency(),
        is_final=True,
    )
    dim_ids = ["INDICATOR", "REF_AREA", *(d.sdmx_id for d in catalogue.dimensions)]
    for order, dim_id in enumerate(dim_ids, start=1):
        dsd.dimensions.append(
            common.Dimension(
                id=dim_id,
                order=order,
                concept_identity=concepts.get(dim_id),
                local_representation=common.Representation(enumerated=codelists[dim_id]),
            )
        )
    dsd.dimensions.append(
        common.TimeDimension(
            id="TIME_PERIOD", order=len(dim_ids) + 1, concept_identity=concepts.get("TIME_PERIOD")
        )
    )
    dsd.measures.append(
        v21.PrimaryMeasure(id="OBS_VALUE", concept_identity=concepts.get("OBS_VALUE"))
    )
    for attr_id in SDMX_ATTRIBUTES:
        representation = (
            common.Representation(enumerated=codelists[attr_id]) if attr_id in codelists else None
        )
        dsd.attributes.append(
            common.DataAttribute(
                id=attr_id,
                concept_identity=concepts.get(attr_id),
                local_representation=representation,
                related_to=v21.PrimaryMeasureRelationship(),
                usage_status=common.UsageStatus.conditional,
            )
        )
    flow = v21.DataflowDefinition(
        id=DATAFLOW_ID,
        name={
            "en": "INSAF Social Observatory: all indicators",
            "ar": "مرصد إنصاف الاجتماعي: جميع المؤشرات",
        },
        version=VERSION,
        maintainer=_agency(),
        is_final=True,
        structure=dsd,
    )
    message = StructureMessage()
    message.add(flow)
    message.add(dsd)
    message.add(concepts)
    for codelist in codelists.values():
        message.add(codelist)
    return message


def data_message(
    observations: Iterable[Observation], catalogue: Catalogue, *, areas: Sequence[str] = ()
) -> DataMessage:
    """The observations as one structure-specific data set (suppressed cells without numbers)."""
    structure = structure_message(catalogue, areas=areas)
    flow = structure.dataflow[DATAFLOW_ID]
    dsd = flow.structure
    measure = dsd.measures.get("OBS_VALUE")
    units = {i.code: i.unit_of_measure.en for i in catalogue.indicators}
    dataset = v21.StructureSpecificDataSet(described_by=flow, structured_by=dsd)
    built: list[v21.Observation] = []
    for obs in observations:
        rec = public_record(obs)
        dims = rec["disaggregation"]
        key = {
            "INDICATOR": obs.indicator,
            "REF_AREA": obs.area,
            **{d.sdmx_id: dims.get(d.code, TOTAL) for d in catalogue.dimensions},
            "TIME_PERIOD": str(obs.period),
        }
        attributes = {
            "UNIT_MEASURE": units.get(obs.indicator, ""),
            "OBS_STATUS": "O" if obs.is_suppressed else status_code(obs),
            "CONF_STATUS": "C" if obs.is_suppressed else "F",
            "STD_ERR": rec["se"],
            "LOWER_BOUND": rec["ci_low"],
            "UPPER_BOUND": rec["ci_high"],
            "OBS_COUNT": rec["n"],
        }
        value = rec["value"]  # SDMX writes a missing value as NaN
        item = v21.Observation(
            dimension=dsd.make_key(common.Key, key),
            value=float("nan") if value is None else value,
            value_for=measure,
        )
        for attr_id, value in attributes.items():
            if value is None or value == "":
                continue
            item.attached_attribute[attr_id] = common.AttributeValue(
                value=repr(value) if isinstance(value, float) else str(value),
                value_for=dsd.attributes.get(attr_id),
            )
        built.append(item)
    dataset.add_obs(built)
    return DataMessage(data=[dataset], dataflow=flow, observation_dimension=common.AllDimensions)


def to_xml(message: DataMessage | StructureMessage) -> bytes:
    """The message as SDMX-ML 2.1 (UTF-8)."""
    return bytes(sdmx.to_xml(message))
