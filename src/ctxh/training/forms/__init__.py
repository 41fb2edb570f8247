"""Forms of the training pages, one module per area. They validate; the services write."""
