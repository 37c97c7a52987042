"""URLs: every app's pages under its prefix, the API at /api/v1 and language switching.

There is no Django admin: it would edit records around the services, the access door and the audit trail."""

import importlib

from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from ansheng.config.api import api
from ansheng.core.registry import platform_apps

handler404 = "ansheng.core.views.error_404"
handler403 = "ansheng.core.views.error_403"
handler500 = "ansheng.core.views.error_500"

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The djangojs catalogue of the current language: gettext()/interpolate() for the apps' static scripts.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

for app in platform_apps():
    if app.url_prefix is None:
        continue
    try:
        importlib.import_module(f"{app.name}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app.name}.urls":
            raise
        continue
    urlpatterns.append(path(app.url_prefix, include(f"{app.name}.urls")))
