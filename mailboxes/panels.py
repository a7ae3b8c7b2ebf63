"""The request page's email panel (issue 20): registered with referrals.panels.request_page."""
