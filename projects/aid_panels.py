"""The participation and aid part registers its project-page and company-page panels here."""
