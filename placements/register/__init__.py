"""Ofsted's published register of children's social care providers, as reference data (issue 19, item 4).

This package owns:

- ``models``: ``RegisterEntry``, every provider in Ofsted's provider-level files (URN, name as published or a
  placeholder where Ofsted redacts it, provision type and this app's provision kind, sector, registration status,
  local authority, region, postcode), and ``OfstedInspection``, each entry's ratings history (one row per
  inspection event with an overall judgement). The Ofsted import (``placements.imports.ofsted``) writes these
  and nothing else.
- ``ratings``: the one definition of a provider's Ofsted ratings and latest judgement. The provider list
  (``placements.models.Provider``: the providers the authority uses or has approved) is apart from the register;
  a provider links to its entry by URN, and every page and rule reads ratings through that link.
- ``search``: finding entries by name, URN or postcode (the register page, and adding a provider).
- ``views``: the register's pages.

A provider on the list with no URN, or a URN not (yet) in the register, has no ratings: "not in the register".
"""
