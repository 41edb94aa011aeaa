"""Catalogues of on-screen text, one TOML file per language."""
