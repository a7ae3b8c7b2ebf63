"""The export outcomes API (under /api/v1/): /outcomes/."""

from rest_framework.routers import SimpleRouter

from .outcomes import OutcomeViewSet

router = SimpleRouter(use_regex_path=False)
router.register("outcomes", OutcomeViewSet, basename="api-outcome")

urlpatterns = router.urls
