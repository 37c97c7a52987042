from django.urls import path

from ansheng.maps import views

app_name = "maps"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("export.geojson", views.export_geojson, name="export_geojson"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("risk-sources/", views.risk_source_list, name="risk_sources"),
    path("risk-sources/new/", views.risk_source_create, name="risk_source_create"),
    path("risk-sources/<int:pk>/", views.risk_source_detail, name="risk_source"),
    path("risk-sources/<int:pk>/edit/", views.risk_source_edit, name="risk_source_edit"),
    path("risk-sources/<int:pk>/delete/", views.risk_source_delete, name="risk_source_delete"),
    path("risk-sources/<int:pk>/hazards/new/", views.hazard_create, name="hazard_create"),
    path("hazards/<int:hazard_id>/rectify/", views.hazard_rectify, name="hazard_rectify"),
    path("hazards/<int:hazard_id>/reopen/", views.hazard_reopen, name="hazard_reopen"),
]
