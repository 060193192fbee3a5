from django.urls import path

from mentorship.feeds import views

app_name = "feeds"

urlpatterns = [
    path("calendar/", views.feed_settings, name="settings"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
