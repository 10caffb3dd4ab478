"""Commands on survey microdata: ``synth``, ``inspect``, ``demo``."""

from __future__ import annotations
