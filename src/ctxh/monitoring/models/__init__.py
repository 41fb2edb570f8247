"""The monitoring app's models, by sub-domain; import them from here."""
