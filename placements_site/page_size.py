"""A ceiling on the rows a page asks for (issue 14): ``?per_page=100000`` on a region's list took 6.5 s and
four at once stalled the site. Any table's ``per_page`` (``per_page``, ``starts-per_page``...) above
``MAX_PER_PAGE`` is read as ``MAX_PER_PAGE``, for every table on every page; downloads are not pages and
keep every row."""

from __future__ import annotations

MAX_PER_PAGE = 500


class PageSizeCeilingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        too_big = [key for key, value in request.GET.items()
                   if key.endswith("per_page") and (not value.isdigit() or int(value) > MAX_PER_PAGE)]
        if too_big:
            query = request.GET.copy()
            for key in too_big:
                query[key] = str(MAX_PER_PAGE) if query[key].isdigit() else ""
                if not query[key]:
                    del query[key]
            query._mutable = False
            request.GET = query
        return self.get_response(request)
