from django.urls import path
from django.views.generic import RedirectView

from ansheng.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="indicators:dashboard"), name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<str:code>/<int:no>/", views.indicator_detail, name="indicator"),
    path("inputs/", views.inputs_page, name="inputs"),
    path("inputs/<str:region_code>/<int:year>/", views.inputs_edit, name="inputs_edit"),
    path("inputs/import/", views.inputs_import, name="inputs_import"),
    path("inputs/template.xlsx", views.inputs_template, name="inputs_template"),
    path("inputs/export.xlsx", views.inputs_export, name="inputs_export"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("reports/report.pdf", views.report_pdf, name="report_pdf"),
]
