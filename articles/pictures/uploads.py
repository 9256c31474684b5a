"""Uploads refused by their size as they arrive, before they are read whole.

Django's own handlers keep a whole file (in memory or a temporary file) before any form sees
it. This handler, first in `FILE_UPLOAD_HANDLERS`, counts a file's bytes as they come: past
the limit (or at once, when the request announces more than the limit), it passes nothing on,
and hands the form a `RefusedUpload` instead of the file, whose size the form refuses with its
message. What is left of the request is read and dropped, never kept.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

# Room in a request for the form's other fields besides the file.
FORM_ALLOWANCE = 1024 * 1024


class RefusedUpload(UploadedFile):
    """A file not kept: its size is what had arrived when it was refused (over the limit)."""

    def __init__(self, name: str, content_type: str, size: int):
        super().__init__(io.BytesIO(), name, content_type, size)


class SizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.PICTURE_MAX_BYTES
        self.received = 0
        self.refused = False

    def new_file(
        self,
        field_name,
        file_name,
        content_type,
        content_length,
        charset=None,
        content_type_extra=None,
    ):
        super().new_file(
            field_name, file_name, content_type, content_length, charset, content_type_extra
        )
        self.received = 0
        announced = content_length or 0
        request_length = int(self.request.META.get("CONTENT_LENGTH") or 0) if self.request else 0
        self.refused = announced > self.limit or request_length > self.limit + FORM_ALLOWANCE

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.refused = True
        return None if self.refused else raw_data

    def file_complete(self, file_size):
        if not self.refused:
            return None  # the next handler keeps the file
        return RefusedUpload(self.file_name, self.content_type, max(self.received, self.limit + 1))
