"""The documents' pages: the issuer's list, detail and actions, the signer settings, and the
public verification (``verify.py``, mounted at ``/verify/`` by ``public_urls``)."""
