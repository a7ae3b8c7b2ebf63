"""Access policies: national (issue 18)."""
