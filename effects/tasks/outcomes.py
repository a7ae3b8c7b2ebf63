"""Tasks about export outcomes."""
