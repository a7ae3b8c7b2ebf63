from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import health, views

handler500 = "exportcenter.views.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("exportcenter.api_urls")),
]

# Swedish is unprefixed, English lives under /en/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("", include("advisors.urls")),
    path("", include("twofactor.urls")),
    path("webauthn/", include("twofactor.webauthn_urls")),
    path("", include("companies.urls")),
    path("", include("referrals.urls")),
    path("", include("outreach.urls")),
    path("", include("effects.urls")),
    path("", include("projects.urls")),
    path("", include("mailboxes.urls")),
    path("", include("privacy.urls")),
    path("", include("notifications.urls")),
    path("", include("dashboards.urls")),
    path("", include("dashboards.national_urls")),
    path("", include("worklist.urls")),
    prefix_default_language=False,
)

if settings.BENCH_FLOOR_VIEW:  # bench/pages.py's floor: the base layout for the signed-in user
    from . import bench

    urlpatterns += [path("bench/floor/", bench.floor, name="bench_floor")]
