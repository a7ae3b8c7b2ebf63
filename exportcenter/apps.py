from django.apps import AppConfig


class ExportcenterConfig(AppConfig):
    name = "exportcenter"
    verbose_name = "Exportcenter"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
