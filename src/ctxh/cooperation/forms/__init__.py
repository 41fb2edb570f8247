"""The cooperation app's forms, one module per area."""
