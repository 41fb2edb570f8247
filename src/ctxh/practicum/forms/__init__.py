"""Forms of the practicum pages, one module per area. They validate; the services write."""
