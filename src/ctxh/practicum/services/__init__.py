"""Every write of the practicum, one module per area (network, periods, rounds, students…).

Import the functions from their area's module (``services.network.site_save``).
"""
