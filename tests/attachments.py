"""A pytest plugin: the attachments storage (issue 20) in a temporary folder, never in the repository.

`attachments_root` (autouse where this plugin is listed, or imported by a test module) points the
"attachments" storage, and the field of `referrals.Attachment` that was given it when the models were
loaded, at a folder of the test's own, and returns the folder: a test can see what was written.
"""

import pytest
from django.core.files.storage import FileSystemStorage, storages

from referrals.models import Attachment

__all__ = ["attachments_root"]  # the fixture, for `from tests.attachments import *`


def files_in(root) -> list[str]:
    """The files under `root`, as paths relative to it."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture(autouse=True)
def attachments_root(tmp_path_factory, monkeypatch):
    root = tmp_path_factory.mktemp("attachments")
    storage = FileSystemStorage(location=str(root), base_url=None, file_permissions_mode=0o600)
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storage)
    monkeypatch.setitem(storages._storages, "attachments", storage)
    return root
