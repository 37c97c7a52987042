from django.urls import path

from ansheng.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("changes/", views.changelog, name="changelog"),
    path("audit/events/", views.events, name="events"),
    path("jobs/<int:job_id>/", views.job_status, name="job"),
    path("jobs/<int:job_id>/result/", views.job_result, name="job_result"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_edit, name="user_edit"),
    path("healthz", views.healthz, name="healthz"),
]
