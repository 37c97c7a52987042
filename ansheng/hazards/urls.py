from django.urls import path

from ansheng.hazards import views

app_name = "hazards"

urlpatterns = [
    path("", views.source_list, name="list"),
    path("new/", views.source_create, name="create"),
    path("<int:pk>/", views.source_detail, name="detail"),
    path("<int:pk>/edit/", views.source_edit, name="edit"),
    path("<int:pk>/substances/new/", views.substance_add, name="substance_add"),
    path("<int:pk>/substances/<int:substance_id>/", views.substance_edit, name="substance_edit"),
    path("<int:pk>/substances/<int:substance_id>/delete/", views.substance_delete, name="substance_delete"),
    path("<int:pk>/persons/<str:duty>/", views.person_edit, name="person_edit"),
    path("<int:pk>/checks/<str:duty>/new/", views.check_add, name="check_add"),
    path("<int:pk>/evaluations/new/", views.evaluation_add, name="evaluation_add"),
    path("<int:pk>/registration/<str:action>/", views.registration, name="registration"),
]
