"""The indicators part registers its project-page panel here."""
