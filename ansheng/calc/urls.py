from django.urls import path

from ansheng.calc import views

app_name = "calc"

urlpatterns = [
    path("", views.index, name="index"),
    path("gb18218/", views.gb18218_page, name="gb18218"),
    path("gb18218/suggest/", views.gb18218_suggest, name="gb18218_suggest"),
    path("risk/", views.risk_page, name="risk"),
    path("<slug:name>/", views.calculator, name="calculator"),
]
