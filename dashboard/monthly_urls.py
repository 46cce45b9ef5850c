"""The monthly workbook, under /admin/dashboard/monthly/ (staff, admin sign-in)."""

from django.contrib import admin
from django.urls import path

from dashboard.monthly_view import monthly_view

urlpatterns = [
    path("", admin.site.admin_view(monthly_view), name="dashboard-monthly"),
]
