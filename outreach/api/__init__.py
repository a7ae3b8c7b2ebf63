"""REST API of outreach: campaigns (with their target lists), activities and follow-ups.

Serializers only validate and render; every change goes through `outreach.services`, and every access
decision comes from `advisors.access`. Follow-ups carry a version: a change needs the version read
(If-Match or `version`), see `exportcenter.api.concurrency`. A service's ValidationError answers 400 and
a stale version 412 through the API's exception handler."""

from .viewsets import ActivityViewSet, CampaignViewSet, FollowUpViewSet

__all__ = ["ActivityViewSet", "CampaignViewSet", "FollowUpViewSet"]
