"""docs/synth.md is current: its variable reference is generated from the
labels, and the public API of the package is deliberate."""

from __future__ import annotations

from pathlib import Path

import insaf.survey.synth as synth
from insaf.survey.synth.reference import BEGIN, END, variables_markdown

DOC = Path(__file__).parents[2] / "docs" / "synth.md"


def test_variable_reference_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    block = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert block == variables_markdown(), (
        "docs/synth.md is stale: run `python -m insaf.survey.synth.reference docs/synth.md`"
    )


def test_public_api_is_sorted_and_complete() -> None:
    exported = list(synth.__all__)
    constants = sorted(n for n in exported if n.isupper())
    classes = sorted(n for n in exported if n[:1].isupper() and not n.isupper())
    functions = sorted(n for n in exported if n[:1].islower())
    assert exported == constants + classes + functions
    assert all(hasattr(synth, name) for name in exported)
