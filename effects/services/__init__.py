"""See effects/__init__.py: outcomes (H1) and surveys."""
