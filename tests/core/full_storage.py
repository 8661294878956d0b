"""A test double for the file storage (Django's, not ours): a FileSystemStorage on a disk that fills
up half-way through writing, like a real full disk (a partial file is left behind, then ENOSPC)."""

import errno
import os

from django.core.files.storage import FileSystemStorage


class FullDiskStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        content.seek(0)
        data = content.read()
        with open(full_path, "wb") as partial:
            partial.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), full_path)
