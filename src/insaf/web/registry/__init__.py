"""The social registry's web app: persons, households, rulesets, determinations, delivery.

The rules themselves run in the library (``insaf.registry``); this app stores
what they read and what they decide, and shows it to the roles that need it
(``access``), auditing every read of a person's record.
"""
