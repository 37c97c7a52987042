from django.urls import path

from ansheng.accidents import views

app_name = "accidents"

urlpatterns = [
    path("", views.accident_list, name="list"),
    path("report/", views.accident_report, name="report"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics.xlsx", views.statistics_export, name="statistics_export"),
    path("<int:pk>/", views.accident_detail, name="detail"),
    path("<int:pk>/steps/<int:step_id>/", views.record_step, name="record_step"),
    path("<int:pk>/figures/", views.correct_figures, name="correct"),
    path("<int:pk>/followup/", views.add_followup, name="followup"),
    path("<int:pk>/response-ended/", views.end_response, name="end_response"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/investigation/", views.open_investigation, name="open_investigation"),
    path("<int:pk>/investigation/extend/", views.extend_investigation, name="extend"),
    path("<int:pk>/investigation/appraisal/", views.record_appraisal, name="appraisal"),
    path("<int:pk>/investigation/report/", views.submit_report, name="submit_report"),
    path("<int:pk>/investigation/return/", views.return_report, name="return_report"),
    path("<int:pk>/investigation/approve/", views.approve_report, name="approve"),
    path("<int:pk>/responsibilities/<int:rid>/", views.record_handling, name="handling"),
    path("<int:pk>/measures/<int:mid>/done/", views.complete_measure, name="measure_done"),
    path("<int:pk>/measures/<int:mid>/verify/", views.verify_measure, name="measure_verify"),
    path("<int:pk>/education/", views.record_education, name="education"),
    path("<int:pk>/close/", views.close, name="close"),
]
