"""Pages of the referrals app: `intake` for the SME (and the need categories behind its form), `inbox`
for advisors working the requests, `referrals` for the referrals between partners."""
