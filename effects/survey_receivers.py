"""What surveys hook into: a request closing (registered when the app is ready)."""
