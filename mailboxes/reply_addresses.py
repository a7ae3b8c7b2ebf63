"""Registers, with referrals, the mailbox address that replies to a request's emails go to (issue 20).

The owning organisation's active mailbox, else the region's shared mailbox (an active one without an
organisation), else settings.MAIL_REPLY_ADDRESS. referrals.threading signs a plus-address on it.
"""

from django.conf import settings

from referrals import threading

from .models import Mailbox


def mailbox_address(request) -> str:
    """The address a company's reply about this request should go to ("" if none)."""
    active = Mailbox.objects.filter(is_active=True)
    if request.owner_organisation_id:
        address = (
            active.filter(organisation_id=request.owner_organisation_id)
            .order_by("pk")
            .values_list("address", flat=True)
            .first()
        )
        if address:
            return address
    if request.region_id:
        address = (
            active.filter(region_id=request.region_id, organisation__isnull=True)
            .order_by("pk")
            .values_list("address", flat=True)
            .first()
        )
        if address:
            return address
    return settings.MAIL_REPLY_ADDRESS


threading.register_reply_mailbox(mailbox_address)
