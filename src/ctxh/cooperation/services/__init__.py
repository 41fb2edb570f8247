"""The cooperation app's services (every write), one module per area."""
