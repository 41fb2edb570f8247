"""The cooperation app's models, by sub-domain; import them from here."""
