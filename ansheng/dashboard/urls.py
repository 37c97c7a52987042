from django.urls import path

from ansheng.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.city, name="city"),
    path("<str:code>/", views.county, name="county"),
]
