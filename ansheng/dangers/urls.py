from django.urls import path

from ansheng.dangers import views

app_name = "dangers"

urlpatterns = [
    path("", views.danger_list, name="list"),
    path("major/", views.major_list, name="major"),
    path("stats/", views.stats, name="stats"),
    path("stats/report.<str:fmt>", views.stats_report, name="stats-report"),
    path("m/report/", views.quick_report, name="quick-report"),
    path("<int:pk>/", views.danger_detail, name="detail"),
    path("<int:pk>/<str:step>/", views.step, name="step"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
