"""Nothing a signed-in person sees is kept by a browser or a proxy (issue 14): every page and download is
special-category data about children, so each response to a signed-in request says ``no-store``. Static files
(WhiteNoise, before this middleware) keep their long caching."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
