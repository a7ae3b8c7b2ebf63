"""The participation and aid API (under /api/v1/): /participations/ and /aid/ (with /aid/ceiling/)."""

from rest_framework.routers import SimpleRouter

from .aid import AidViewSet, ParticipationViewSet

router = SimpleRouter(use_regex_path=False)
router.register("participations", ParticipationViewSet, basename="api-participation")
router.register("aid", AidViewSet, basename="api-aid")

urlpatterns = router.urls
