"""Registers, with referrals, the mailbox address that replies to a request's emails go to (issue 20).

The owning organisation's active mailbox, else the region's shared mailbox (an active one without an
organisation), else settings.MAIL_REPLY_ADDRESS. referrals.threading signs a plus-address on it.

The addresses are read once per reference data version (`exportcenter.cached_rows`; a saved or deleted
mailbox gives a new one), not once per email: the intake writes a confirmation with every submission.
"""

from django.conf import settings

from exportcenter import cached_rows
from referrals import threading

from .models import Mailbox


def _addresses() -> dict[str, str]:
    """The first active mailbox's address (the oldest) of each organisation ("organisation:<id>") and each
    region's shared one ("region:<id>")."""
    addresses = {}
    for address, organisation_id, region_id in (
        Mailbox.objects.filter(is_active=True)
        .order_by("-pk")
        .values_list("address", "organisation_id", "region_id")
    ):
        if organisation_id is not None:
            addresses[f"organisation:{organisation_id}"] = address
        elif region_id is not None:
            addresses[f"region:{region_id}"] = address
    return addresses


def mailbox_address(request) -> str:
    """The address a company's reply about this request should go to ("" if none)."""
    addresses = cached_rows.value("mailboxes.reply-addresses", _addresses)
    return (
        addresses.get(f"organisation:{request.owner_organisation_id}")
        or addresses.get(f"region:{request.region_id}")
        or settings.MAIL_REPLY_ADDRESS
    )


threading.register_reply_mailbox(mailbox_address)
