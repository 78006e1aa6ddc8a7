"""The MkDocs (and ProperDocs) front: the only package that imports mkdocs.

Install with the ``mkdocs`` extra (``pip install docgates[mkdocs]``). Under ProperDocs the
``mkdocs`` imports resolve to ``properdocs`` through ProperDocs' own import alias.
"""
