"""The practicum's reads shared by pages, exports and the API."""
