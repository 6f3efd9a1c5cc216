from __future__ import annotations

from staffroom.privacy.urls_exposure import urlpatterns as exposure_urlpatterns
from staffroom.privacy.urls_holds import urlpatterns as holds_urlpatterns
from staffroom.privacy.urls_reveal import urlpatterns as reveal_urlpatterns

app_name = "privacy"

urlpatterns = [*holds_urlpatterns, *exposure_urlpatterns, *reveal_urlpatterns]
