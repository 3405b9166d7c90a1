"""A URL configuration for the error-page tests: the site's, plus views that fail."""

from django.urls import path

from directory211.urls import handler400, handler404, handler500, urlpatterns  # noqa: F401


def broken(request):
    raise RuntimeError("a failure the visitor must not see")


urlpatterns = [
    path("fr/en-panne/", broken),
    path("en/broken/", broken),
    path("api/broken", broken),
    *urlpatterns,
]
