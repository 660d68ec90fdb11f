"""Typed parameters of the catalogue beyond its rules."""

from __future__ import annotations

SITE_COLUMNS = ("height_m", "azimuth", "beamwidth")
"""What a base-station site may say of itself; other values come from its technology."""
