"""Search results (see search/ranking.py for the rule)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def results(request):
    return render(request, "search/results.html", {})
