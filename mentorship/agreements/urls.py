from django.urls import path

from mentorship.agreements import views

app_name = "agreements"

urlpatterns = [
    path("pairings/<int:pairing_id>/agreement/", views.pairing_agreement, name="pairing"),
    path("pairings/<int:pairing_id>/agreement/ask/", views.ask, name="ask"),
    path("agreement/<str:token>/", views.agreement_from_email, name="from-email"),
]
