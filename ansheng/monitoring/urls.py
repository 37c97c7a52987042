from django.urls import path
from django.views.generic import RedirectView

from ansheng.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="monitoring:overview", permanent=False)),
    path("overview/", views.overview, name="overview"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_page, name="enterprise"),
    path("sources/<int:source_id>/", views.wall, name="wall"),
    path("points/", views.point_list, name="points"),
    path("points/new/", views.point_create, name="point_create"),
    path("points/<int:point_id>/", views.point_detail, name="point"),
    path("points/<int:point_id>/edit/", views.point_edit, name="point_edit"),
    path("alarms/", views.alarm_board, name="alarms"),
    path("alarms/<int:alarm_id>/", views.alarm_detail, name="alarm"),
    path("alarms/<int:alarm_id>/acknowledge/", views.alarm_acknowledge, name="alarm_acknowledge"),
    path("alarms/<int:alarm_id>/shelve/", views.alarm_shelve, name="alarm_shelve"),
    path("alarms/<int:alarm_id>/unshelve/", views.alarm_unshelve, name="alarm_unshelve"),
    path("alarms/<int:alarm_id>/close/", views.alarm_close, name="alarm_close"),
    path("stats/", views.statistics, name="stats"),
    path("online/", views.online, name="online"),
    path("rejections/", views.rejections, name="rejections"),
    path("gateways/", views.gateways, name="gateways"),
    path("maintenance/", views.maintenance, name="maintenance"),
]
