from django.urls import path

from staffroom.channels.views import authoring, reading, syndication

app_name = "channels"

urlpatterns = [
    # Reading: the home feed, channels, following, post pages, reach.
    path("", reading.feed, name="feed"),
    path("channels/", reading.channel_list, name="channel_list"),
    path("channels/new/", reading.channel_create, name="channel_create"),
    path("channels/<slug:slug>/", reading.channel_detail, name="channel"),
    path("channels/<slug:slug>/follow/", reading.follow_channel, name="follow"),
    path("channels/<slug:slug>/settings/", reading.channel_settings, name="channel_settings"),
    path("tags/<slug:slug>/", reading.tag_detail, name="tag"),
    path("posts/<int:pk>/", reading.post_detail, name="post"),
    path("posts/<int:pk>/reach/", reading.post_reach, name="post_reach"),
    # Writing: editors create, edit, schedule, publish, pin, archive; images and files.
    path("channels/<slug:slug>/new-post/", authoring.post_create, name="post_create"),
    path("posts/<int:pk>/edit/", authoring.post_edit, name="post_edit"),
    path("posts/<int:pk>/status/", authoring.post_status, name="post_status"),
    path("posts/<int:pk>/pin/", authoring.post_pin, name="post_pin"),
    path(
        "posts/<int:pk>/privacy-review/",
        authoring.post_send_for_review,
        name="post_send_for_review",
    ),
    path("posts/<int:pk>/revisions/", authoring.post_revisions, name="post_revisions"),
    path("posts/<int:pk>/images/", authoring.post_images, name="post_images"),
    path("posts/<int:pk>/attachments/", authoring.post_attachments, name="post_attachments"),
    path("posts/<int:pk>/images/<int:image_id>/", authoring.post_image, name="post_image"),
    path(
        "posts/<int:pk>/attachments/<int:attachment_id>/",
        authoring.post_attachment,
        name="post_attachment",
    ),
    # Outside the app: Atom feeds, personal feed addresses, public (ambassador) posts.
    path("feeds/", syndication.feed_settings, name="feed_settings"),
    path(
        "feeds/<str:token>/channels/<slug:slug>.atom", syndication.channel_atom, name="channel_atom"
    ),
    path("feeds/<str:token>/tags/<slug:slug>.atom", syndication.tag_atom, name="tag_atom"),
    path("public/posts.atom", syndication.public_atom, name="public_atom"),
    path("posts/<int:pk>/public/", syndication.post_public_toggle, name="post_public_toggle"),
    path("p/<int:pk>/<slug:slug>/", syndication.public_post, name="public_post"),
    path("p/<int:pk>/images/<int:image_id>/", syndication.public_image, name="public_image"),
]
