"""Every write of the cooperation app, one module per area."""
