"""How big a request may be, refused before its body is read (issue 14, finding 7).

Only the import page takes files: up to ``MAX_UPLOAD_BYTES`` in all, plus a little for the form around them.
Every other request's body is at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (a form, never a file). Two guards:

- ``RequestSizeMiddleware`` answers 413 from the declared ``Content-Length`` before anything reads the body
  (the CSRF check reads it, so this runs first), with a page saying what to do.
- ``BoundedMemoryUploadHandler`` is the only upload handler: files are held in memory, never written to a
  temporary file on the server's disk (they are children's data), and a body whose length was not declared
  (chunked) stops being read at the same limit; the page then says the files were too large.

The proxy in front of the app should refuse larger bodies itself (README, "Security"), so a worker never
spends time on them at all.
"""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers, StopUpload
from django.shortcuts import render
from django.urls import Resolver404, resolve

#: The pages that take files.
UPLOAD_PAGES = {"import_upload"}
#: Room for the form's other fields and the multipart boundaries of up to 50 files.
FORM_ALLOWANCE = 1024 * 1024


def body_limit(path: str) -> int:
    """The largest body a request to ``path`` may have, in bytes."""
    try:
        name = resolve(path).url_name
    except Resolver404:
        name = None
    if name in UPLOAD_PAGES:
        return settings.MAX_UPLOAD_BYTES + FORM_ALLOWANCE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large(request) -> bool:
    """Whether the upload handler stopped reading this request's files at the limit."""
    return getattr(request, "_upload_too_large", False)


def too_large_message(request) -> str:
    if body_limit(request.path_info) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        megabytes = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        return f"The files are larger than {megabytes} MB in all: upload fewer at a time."
    return "What was sent is larger than this page takes."


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > body_limit(request.path_info):
            response = render(request, "413.html", {"message": too_large_message(request)}, status=413)
            response["Connection"] = "close"  # the body is not read: the connection cannot be reused
            return response
        return self.get_response(request)


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Every uploaded file in memory, all of a request's files together at most its body limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = body_limit(self.request.path_info) if self.request is not None else settings.MAX_UPLOAD_BYTES
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = BytesIO()
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                self.request._upload_too_large = True
            # The rest of the body is read and thrown away (not kept), so the page can answer.
            raise StopUpload(connection_reset=False)
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        return InMemoryUploadedFile(file=self.file, field_name=self.field_name, name=self.file_name,
                                    content_type=self.content_type, size=file_size, charset=self.charset,
                                    content_type_extra=self.content_type_extra)
