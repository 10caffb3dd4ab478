"""The catalogue model: YAML with line-numbered errors, references checked, both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from insaf.errors import SpecError
from insaf.observatory import DEMO_CATALOGUE, load_catalogue


def test_demo_catalogue_is_complete() -> None:
    catalogue = load_catalogue(DEMO_CATALOGUE)
    assert {f.code for f in catalogue.frameworks} == {"SDG", "NDP"}
    pov = catalogue.indicator("POV_NAT")
    assert pov.name.get("ar").startswith("نسبة الفقر")
    assert ("governorate", "sex") in pov.breakdowns and () in pov.breakdowns
    # indicators are shared between frameworks
    assert {f.code for f in catalogue.frameworks_of("POV_NAT")} == {"SDG", "NDP"}


def test_errors_name_key_and_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "dimensions:\n"
        "  - code: sex\n"
        "    name: {en: Sex, ar: الجنس}\n"
        "    categories: [{code: f, name: {en: F, ar: إ}}]\n"
        "indicators:\n"
        "  - code: X1\n"
        "    name: {en: X}\n"  # line 7: Arabic missing
        "    definition: {en: d, ar: د}\n"
        "    unit_of_measure: {en: u, ar: و}\n"
        "    source: {en: s, ar: م}\n"
        "    method: {en: m, ar: ط}\n"
        "    agency: {en: a, ar: ج}\n"
        "    direction: sideways\n",  # line 13
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as info:
        load_catalogue(path)
    found = {(w.line, w.key) for w, _ in info.value.problems}
    assert (7, "indicators[0].name.ar") in found
    assert (13, "indicators[0].direction") in found


def test_unknown_references(tmp_path: Path) -> None:
    text = DEMO_CATALOGUE.read_text(encoding="utf-8").replace(
        "indicators: [WATER, ELECTRICITY]", "indicators: [WATER, ELECTRICTY]"
    )
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match="unknown indicator ELECTRICTY"):
        load_catalogue(path)


def _with_unit_key(tmp_path: Path, key: str, also: str = "") -> Path:
    """The demo catalogue with POV_NAT's unit of measure under ``key`` (plus ``also``)."""
    text = DEMO_CATALOGUE.read_text(encoding="utf-8")
    old = '    unit_of_measure: {en: "% of persons", ar: "% من الأفراد"}\n'
    assert old in text
    path = tmp_path / "c.yaml"
    path.write_text(text.replace(old, old.replace("unit_of_measure", key) + also, 1), "utf-8")
    return path


def test_unit_of_measure_old_key_is_read_with_a_warning(tmp_path: Path) -> None:
    """``unit`` was the key before docs/glossary.md: read for one release, with a warning."""
    with pytest.warns(FutureWarning, match="indicator POV_NAT: key 'unit' is deprecated"):
        catalogue = load_catalogue(_with_unit_key(tmp_path, "unit"))
    assert catalogue.indicator("POV_NAT").unit_of_measure.en == "% of persons"
    with pytest.warns(DeprecationWarning, match="Indicator.unit is deprecated"):
        assert catalogue.indicator("POV_NAT").unit.ar == "% من الأفراد"


def test_unit_and_unit_of_measure_together_are_refused(tmp_path: Path) -> None:
    path = _with_unit_key(tmp_path, "unit", also='    unit_of_measure: {en: "%", ar: "%"}\n')
    with pytest.raises(SpecError) as info:
        load_catalogue(path)
    assert any(w.key.endswith(".unit") for w, _ in info.value.problems), info.value.problems
