"""The practicum's forms, one module per area (import from the module itself)."""
