"""The export outcomes panel on the company page (registered when the app is ready)."""
