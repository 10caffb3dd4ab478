"""The Economic and Social Council workspace and the accountability tracker.

Referral (with its social impact statement) -> consultation -> opinion
(recommendations, amendments, plenary vote by group) -> government response
per recommendation -> commitments linked to observatory indicators -> the
accountability dashboard. See ``docs/council.md``.
"""
