"""The practicum's home panels and to-dos (registered on import from ``apps.ready``)."""
