from django.urls import path

from staffroom.chat import views

app_name = "chat"

urlpatterns = [
    path("chat-rooms/", views.my_hooks, name="mine"),
    path("channels/<slug:slug>/chat-hooks/", views.hook_list, name="hooks"),
    path("channels/<slug:slug>/chat-hooks/<int:pk>/test/", views.hook_test, name="hook_test"),
    path("channels/<slug:slug>/chat-hooks/<int:pk>/pause/", views.hook_pause, name="hook_pause"),
    path("channels/<slug:slug>/chat-hooks/<int:pk>/resume/", views.hook_resume, name="hook_resume"),
    path("channels/<slug:slug>/chat-hooks/<int:pk>/remove/", views.hook_remove, name="hook_remove"),
]
