"""Access policies: surveys (issue 18)."""
