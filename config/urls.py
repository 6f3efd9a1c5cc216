from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("staffroom.core.urls")),
    path("", include("staffroom.webapp.urls")),
    path("", include("staffroom.channels.urls")),
    path("", include("staffroom.chat.urls")),
    path("", include("staffroom.strategy.urls")),
    path("", include("staffroom.discussion.urls")),
    path("", include("staffroom.search.urls")),
    path("", include("staffroom.notifications.urls")),
    path("", include("staffroom.mail.urls")),
    path("", include("staffroom.audit.urls")),
    path("privacy/", include("staffroom.privacy.urls")),
    path("", include("staffroom.moderation.urls")),
    path("ideas/", include("staffroom.ideas.urls")),
    path("", include("staffroom.kiosk.urls")),
    path("", include("staffroom.events.urls")),
    path("", include("staffroom.media.urls")),
    path("", include("staffroom.organisation.urls")),
    path("account/", include("staffroom.accounts.urls")),
    path("", include("staffroom.jobs.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

handler400 = "staffroom.core.views.bad_request"
handler403 = "staffroom.core.views.permission_denied"
handler404 = "staffroom.core.views.page_not_found"
handler500 = "staffroom.core.views.server_error"
