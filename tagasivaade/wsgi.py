import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagasivaade.settings")
application = get_wsgi_application()

# Everything loaded so far (code, settings, templates, the method) lives as long as the process: keep
# it out of the garbage collector's full scans, which otherwise pause requests (gen-2 collections).
gc.collect()
gc.freeze()
