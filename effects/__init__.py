"""Effects for companies (issue 18): what the help led to, as the company itself confirms it.

- export outcomes an advisor records and the company confirms through a signed link (`outcomes`);
- the satisfaction survey after a request closes, and the follow-up surveys 6 and 12 months after help
  (`surveys`), whose answers update the company's signs of international business.

Only what the company confirmed counts in the figures (dashboards' goals and the national roll-up read
them through `effects.selectors`).
"""
