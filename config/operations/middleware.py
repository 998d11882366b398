"""Response headers that protect what a signed-in person sees once it has left the server."""

from django.conf import settings

NO_STORE = "private, no-store"


class NoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response that may hold someone's data.

    Plans, dashboards, decision notices, the Panel report and 360Giving files hold figures and names that must
    not stay in a shared computer's browser cache or in a proxy. A response is personal when the person is signed
    in, when the request carries a session (someone part-way through signing in) or when the response sets a
    cookie. Only anonymous pages with no cookie either way (the public list of grants, the accessibility
    statement, the health check) keep their own caching. Static files never reach this middleware: WhiteNoise,
    listed before it, answers them first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._is_personal(request, response):
            response["Cache-Control"] = NO_STORE
        return response

    @staticmethod
    def _is_personal(request, response) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        return settings.SESSION_COOKIE_NAME in request.COOKIES or bool(response.cookies)
