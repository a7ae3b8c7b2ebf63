"""The surveys' API endpoints (included under /api/v1/ by effects/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from .surveys import FollowUpSurveyViewSet, SatisfactionSurveyViewSet

router = SimpleRouter(use_regex_path=False)
router.register("surveys/satisfaction", SatisfactionSurveyViewSet, basename="api-satisfaction-survey")
router.register("surveys/follow-ups", FollowUpSurveyViewSet, basename="api-follow-up-survey")

urlpatterns = router.urls
