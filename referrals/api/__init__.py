"""REST API of advice requests (the shared inbox's list, detail, timeline and actions, the routing
suggestions and referring) and of the referrals between partners (list, detail, accept, decline, withdraw).

Serializers only validate and render; every change goes through `referrals.services`, and every access
decision comes from `advisors.access` (`RequestViewSet.write_access` declares what each action needs).
Changes that bump the request's version need the version the client read (see
`exportcenter.api.concurrency`); a stale version answers 412 through the API's exception handler.
"""

from .serializers import PersonSerializer
from .viewsets import ReferralViewSet, RequestViewSet

__all__ = ["PersonSerializer", "ReferralViewSet", "RequestViewSet"]
