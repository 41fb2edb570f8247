"""The cooperation app's reads shared by pages, the API and the public portal."""
