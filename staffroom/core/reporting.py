"""Error reports that never carry what people wrote.

Django's error reports (the DEBUG page, mail to admins, anything an operator wires to
Sentry) include the request's POST data and query string. In Staffroom those are comments,
posts and search words: exactly where a patient's name would be. Every value is masked.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        for key in ("QUERY_STRING", "HTTP_REFERER"):
            if meta.get(key):
                meta[key] = self.cleansed_substitute
        return meta

    def is_active(self, request: HttpRequest | None) -> bool:
        # Masked on the DEBUG page too: a developer's screen can be shared.
        return True

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        # A view's local variables hold the words being saved. Outside development (reports
        # mailed or sent to an error tracker) none of them is shown.
        if not settings.DEBUG:
            return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
        return super().get_traceback_frame_variables(request, tb_frame)


class PrivateExceptionReporter(ExceptionReporter):
    """Leaves the query string out of the address and masks GET values and file names."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        substitute = self.filter.cleansed_substitute
        if self.request is not None:
            data["request_GET_items"] = [(key, substitute) for key in self.request.GET]
            data["request_FILES_items"] = [(key, substitute) for key in self.request.FILES]
            data["request_insecure_uri"] = self.request.build_absolute_uri(self.request.path)
        return data
