"""A synthetic demo country: a complete household survey for demonstrations,
tests and scale runs, clearly labelled synthetic.

``synthesize(households, seed, year)`` returns a ``Survey`` with a household
table, a person table, a consumption-by-item table, a two-stage stratified
cluster design, bilingual (Arabic and English) labels and the policies in
force (``survey.policy``). The same ``(seed, year)`` always gives the same
survey; the years of one seed form a plausible series on a fixed frame.
``write_partitioned(out, households=...)`` writes instead a census of a
whole country (tens of millions of households) as Parquet partitions by
governorate, one chunk in memory at a time, the same rows whatever the chunk.
The data-generating process is documented in ``docs/synth.md``.
"""

from insaf.survey.synth.assemble import SynthOptions, description, survey_name, synthesize
from insaf.survey.synth.build import STEPS
from insaf.survey.synth.partitioned import write_partitioned

__all__ = ["STEPS", "SynthOptions", "description", "survey_name", "synthesize", "write_partitioned"]
