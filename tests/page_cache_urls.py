"""A URL configuration for the page cache tests: the site's, plus a kept page's name on views
that answer what must never be kept."""

from django.http import HttpResponse
from django.urls import path

from directory211.urls import urlpatterns as site


def sets_a_cookie(request):
    response = HttpResponse("<p>Bonjour</p>")
    response.set_cookie("choice", "1")
    return response


def says_private(request):
    response = HttpResponse("<p>Bonjour</p>")
    response["Cache-Control"] = "private"
    return response


urlpatterns = [
    # Named as a kept page (directory211.page_cache.PAGES), under a language prefix.
    path("fr/biscuit/", sets_a_cookie, name="about"),
    path("fr/prive/", says_private, name="privacy"),
    *site,
]
