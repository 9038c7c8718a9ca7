"""The staff URLs plus a bare view behind the same middleware (the benchmark's baseline)."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("_bench/bare", bare), path("", include("xuncha.urls"))]
