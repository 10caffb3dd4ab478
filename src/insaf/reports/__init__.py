"""Reports: the policy brief (HTML, Arabic and English) and the impact files."""

from __future__ import annotations

from insaf.reports.render import render_brief, write_impact

__all__ = ["render_brief", "write_impact"]
