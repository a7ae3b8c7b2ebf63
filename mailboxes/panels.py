"""The request page's email panel (issue 20), registered with referrals.panels.request_page: the messages
that came by email on the request, the contact's bounce, and "did you mean" for a company made from an
email's sender."""

from exportcenter.panels import Panel
from referrals.panels import request_page

from . import selectors

request_page.register(
    Panel("email_panel", "mailboxes/includes/request_email.html", selectors.request_email, order=15)
)
