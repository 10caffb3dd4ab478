"""The INSAF web platform: one Django project (``insaf.web.settings``), one app per domain.

``core`` holds what every app shares (roles, the audit log, security headers,
the base layout and the language switch), ``accounts`` the rate-limited login,
``observatory`` the Social Observatory's pages, downloads and JSON API. Views
are thin: business rules live in ``insaf.observatory`` or in each app's
``services.py``.
"""
