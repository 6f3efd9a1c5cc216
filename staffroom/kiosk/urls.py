"""Break-room screens: the communications team's pages under /screens/, and each screen at
its secret address under /screen/ (in no navigation)."""

from django.urls import URLPattern, URLResolver, path

from staffroom.kiosk import views

app_name = "kiosk"

urlpatterns: list[URLPattern | URLResolver] = [
    path("screens/", views.screen_list, name="screen_list"),
    path("screens/new/", views.screen_new, name="screen_new"),
    path("screens/<int:pk>/new-address/", views.screen_new_address, name="screen_new_address"),
    path("screens/<int:pk>/switch-off/", views.screen_switch_off, name="screen_switch_off"),
    path("screen/<str:secret>/", views.screen, name="screen"),
    path("screen/<str:secret>/slides/", views.screen_slides, name="screen_slides"),
]
