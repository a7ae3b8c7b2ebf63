"""The mailboxes API (included by exportcenter.api_urls): /mailboxes/ (with /test/) and /inbound-messages/."""

from rest_framework.routers import SimpleRouter

from .api import InboundMessageViewSet, MailboxViewSet

router = SimpleRouter(use_regex_path=False)
router.register("mailboxes", MailboxViewSet, basename="api-mailbox")
router.register("inbound-messages", InboundMessageViewSet, basename="api-inbound-message")

urlpatterns = router.urls
