"""PolicyData: rules read person and household columns at either level."""

from __future__ import annotations

import numpy as np

from insaf.policy.data import PolicyData
from insaf.survey.synth import synthesize


def test_person_rule_on_household_columns_only() -> None:
    survey = synthesize(100, 5, 2024)
    data = PolicyData.build(survey)
    urban = data.condition("urban = 1", "person")
    assert survey.persons is not None and survey.households is not None
    expected = survey.frame(["urban"], unit="person").get_column("urban").to_numpy() == 1
    assert urban.shape == (survey.persons.height,)
    np.testing.assert_array_equal(urban, expected)
