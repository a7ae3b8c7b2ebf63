from django.apps import AppConfig


class ExportcenterConfig(AppConfig):
    name = "exportcenter"
    verbose_name = "Exportcenter"
