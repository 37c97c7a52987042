from django.urls import path

from ansheng.dangers import views

app_name = "dangers"

urlpatterns = [
    path("", views.danger_list, name="list"),
    path("<int:pk>/", views.danger_detail, name="detail"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
