"""The vendors app's admin pages."""

from vendors import admin_suggestions  # noqa: F401
