"""Every write of the practicum, one module per area (import from the module itself)."""
