"""The REST API, version 1. Not language-prefixed: clients send Accept-Language."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from advisors import api as advisors_api
from advisors import audit_api
from companies import api as companies_api
from dashboards import api as dashboards_api
from exportcenter.api.views import DocsView, SchemaView, endpoint_index, unknown_endpoint
from notifications import api as notifications_api
from outreach import api as outreach_api
from privacy import api as privacy_api
from referrals import api as referrals_api
from referrals.api import attachments as attachments_api
from referrals.api import catalogue as catalogue_api
from referrals.api import needs as needs_api
from referrals.api import replies as replies_api
from referrals.api import saved_views as saved_views_api
from worklist import api as worklist_api

router = SimpleRouter(use_regex_path=False)
router.register("companies", companies_api.CompanyViewSet, basename="api-company")
router.register("contacts", companies_api.ContactViewSet, basename="api-contact")
router.register("requests", referrals_api.RequestViewSet, basename="api-request")
router.register("referrals", referrals_api.ReferralViewSet, basename="api-referral")
router.register("attachments", attachments_api.AttachmentViewSet, basename="api-attachment")
router.register("organisations", advisors_api.OrganisationViewSet, basename="api-organisation")
router.register("services", catalogue_api.ServiceViewSet, basename="api-service")
router.register("campaigns", outreach_api.CampaignViewSet, basename="api-campaign")
router.register("activities", outreach_api.ActivityViewSet, basename="api-activity")
router.register("follow-ups", outreach_api.FollowUpViewSet, basename="api-follow-up")
router.register("notifications", notifications_api.NotificationViewSet, basename="api-notification")
router.register("tokens", advisors_api.ApiTokenViewSet, basename="api-token")
router.register("company-imports", companies_api.CompanyImportViewSet, basename="api-company-import")
router.register("need-categories", needs_api.NeedCategoryViewSet, basename="api-need-category")
router.register("goals", dashboards_api.GoalViewSet, basename="api-goal")
router.register("saved-views", saved_views_api.SavedViewViewSet, basename="api-saved-view")
router.register("canned-replies", replies_api.CannedReplyViewSet, basename="api-canned-reply")
router.register("audit", audit_api.AuditEntryViewSet, basename="api-audit-entry")
router.register("personal-data/contacts", privacy_api.ContactPersonViewSet, basename="api-personal-contact")
router.register(
    "personal-data/sole-traders", privacy_api.SoleTraderViewSet, basename="api-personal-sole-trader"
)

urlpatterns = [
    path(
        "",
        endpoint_index(
            router,
            {
                "me": "api-me",
                "stats": "api-stats-summary",
                "calendar-feed": "api-calendar-feed",
                "worklist": "api-worklist",
            },
        ),
        name="api-index",
    ),
    path("me/", advisors_api.me, name="api-me"),
    path("worklist/", worklist_api.worklist, name="api-worklist"),
    path("", include("dashboards.api_urls")),
    path("", include("outreach.api_urls")),
    path("", include("effects.api_urls")),
    path("", include("projects.api_urls")),
    path("", include("mailboxes.api_urls")),
    path("", include("dashboards.national_api_urls")),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
    # Last: any other address ending in a slash (one without is redirected to it first, APPEND_SLASH).
    re_path(r"^(?:[\s\S]*/)?$", unknown_endpoint),  # [\s\S]: an id with a newline is unknown too
]
