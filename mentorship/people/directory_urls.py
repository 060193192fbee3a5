"""HR's pages for the people of the company, under /people/."""

from django.urls import path

from mentorship.people import views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("new/", views.person_add, name="add"),
    path("security/", views.security_log, name="security-log"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/invite/", views.person_invite, name="invite"),
    path("<int:person_id>/data.json", views.person_data, name="data"),
    path("<int:person_id>/erase/", views.person_erase, name="erase"),
    path("<int:person_id>/two-factor-off/", views.person_two_factor_off, name="two-factor-off"),
]
