from django.http import FileResponse
from django.shortcuts import get_object_or_404

from prm.files.selectors import downloadable_files
from prm.files.services import stored_file_open


def file_download(request, file_id):
    """Serve a stored file after the permission check; anything not visible answers 404."""
    stored = get_object_or_404(downloadable_files(request.membership), pk=file_id)
    response = FileResponse(
        stored_file_open(stored),
        content_type=stored.content_type,
        as_attachment=not stored.public,
        filename=stored.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
