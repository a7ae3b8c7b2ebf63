"""Access policies: effects (issue 18)."""
