"""The admin of EU-funded projects: programmes and projects, participations and aid."""

from . import aid, projects  # noqa: F401 - each registers its models
