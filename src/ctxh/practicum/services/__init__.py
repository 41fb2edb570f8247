"""The practicum's writes, one module per area (every write is a service)."""
