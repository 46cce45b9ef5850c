from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def markets(request: HttpRequest) -> HttpResponse:
    return render(request, "vendors/not_open.html")
