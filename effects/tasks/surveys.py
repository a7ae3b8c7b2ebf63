"""Tasks about surveys."""
