"""The training app's reads shared by pages, exports and statistics."""
