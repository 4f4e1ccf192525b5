"""Bundled data: the generated IAM catalog (``catalog/``) and ``global_condition_keys.json``.

Regenerate the catalog with ``python scripts/build_catalog.py`` (see ``docs/catalog.md``); edit the
global keys by hand, citing the source of every entry.
"""
