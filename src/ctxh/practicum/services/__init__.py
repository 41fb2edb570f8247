"""Every write of the practicum, one module per area (``allocation``: runs, commit, moves)."""
