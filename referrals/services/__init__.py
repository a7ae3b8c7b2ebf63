"""State changes of advice requests, one module per concern. Each change writes its timeline event in the
same transaction; `referrals.notices` says who is told. Everything is importable from here:
`from referrals import services; services.claim(...)`.
"""

from .bulk import *  # noqa: F403
from .catalogue import *  # noqa: F403
from .deadlines import *  # noqa: F403
from .intake import *  # noqa: F403
from .needs import *  # noqa: F403
from .partner_referrals import *  # noqa: F403
from .replies import *  # noqa: F403
from .saved_views import *  # noqa: F403
from .workflow import *  # noqa: F403
