"""The projects API (under /api/v1/): /projects/ and /programmes/."""

from rest_framework.routers import SimpleRouter

from .projects import ProgrammeViewSet, ProjectViewSet

router = SimpleRouter(use_regex_path=False)
router.register("projects", ProjectViewSet, basename="api-project")
router.register("programmes", ProgrammeViewSet, basename="api-programme")

urlpatterns = router.urls
