"""The plan and the budget on the platform: pages, API, storage and the focal point's edits.

Budgets are stored as rows (``models``), converted to and from
``insaf.budget.Budget`` (``convert``); every figure a page shows comes from the
library (execution, PEFA, programme results) and goes through
``insaf.disclosure`` with the observatory's rules (``presentation``).
"""
