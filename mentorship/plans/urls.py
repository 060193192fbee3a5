from django.urls import path

from mentorship.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<int:plan_id>/duplicate/", views.plan_duplicate, name="duplicate"),
]
