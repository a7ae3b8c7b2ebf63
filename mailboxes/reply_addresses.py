"""Registers, with referrals, the mailbox address that replies to a request's emails go to (issue 20)."""
