import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citymgmt.settings.production")
application = get_wsgi_application()
# Everything loaded so far (Django, the apps, the URLconf) lives as long as the
# process: move it out of the collector's generations, so a full collection
# during a request walks only what requests made.
gc.freeze()
