"""The campaigns part of the idea box: campaigns, their boards and results, and impact."""

from django.urls import URLPattern, URLResolver, path

from staffroom.ideas.views import campaigns

urlpatterns: list[URLPattern | URLResolver] = [
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<slug:slug>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<slug:slug>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<slug:slug>/results/", campaigns.campaign_results, name="campaign_results"),
    path("<int:pk>/impact/", campaigns.impact, name="impact"),
]
