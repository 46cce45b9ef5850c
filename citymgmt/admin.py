from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("CityDesk administration")
admin.site.site_title = _("CityDesk")
admin.site.index_title = _("Service desk")
