"""The public "help me export" form, the SME's reply on its status page, and the advisors' inbox forms."""

from .inbox import *  # noqa: F403
from .intake import *  # noqa: F403
from .referrals import *  # noqa: F403
