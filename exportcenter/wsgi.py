import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcenter.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - after Django is set up

from exportcenter import collector  # noqa: E402

if settings.GC_FREEZE:
    collector.freeze_as_it_warms_up()
