from django.urls import path

from mentorship.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.my_emails, name="mine"),
    path("log/", views.notification_log, name="log"),
    path("log/<int:notification_id>/retry/", views.notification_retry, name="retry"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:message_id>/", views.outbox_message, name="outbox-message"),
    path("outbox/<int:message_id>/html/", views.outbox_message_html, name="outbox-message-html"),
]
