"""Pages of the organisations app, one module per sub-domain: the organisations
(:mod:`.organizations`), their downloads (:mod:`.export`) and the service network —
facilities, map, residents' headcounts (:mod:`.network`). ``urls.py`` names each view."""
