"""Reads of the monitoring app, by area (import from the area's module)."""
