"""A URL configuration with one view that fails, to see the 500 page as a person would."""

from django.urls import include, path


def failing_view(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [path("fails/", failing_view), path("", include("config.urls"))]
