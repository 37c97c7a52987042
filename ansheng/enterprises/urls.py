from django.urls import path

from ansheng.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/licences/new/", views.licence_edit, name="licence_add"),
    path("<int:pk>/licences/<int:licence_id>/", views.licence_edit, name="licence_edit"),
    path("<int:pk>/licences/<int:licence_id>/delete/", views.licence_delete, name="licence_delete"),
]
