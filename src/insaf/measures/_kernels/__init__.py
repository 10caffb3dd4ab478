"""The measures' statistics, private to ``insaf.measures``.

- ``quantile``: weighted quantiles under each rule, kernel densities and the
  quantile's influence values;
- ``basic``, ``poverty``, ``inequality``: each measure's kernel (value,
  influence values and, for a relative line, the derivative with respect to it);
- ``linear``: means, ratios and group shares of named columns (MPI,
  decompositions);
- ``plan``: how a statistic runs over a survey (``Plan``), and running plans;
- ``plans``: each measure's plan from its options, shared by the measure's
  public function and ``Prepared``.
"""
