from django.urls import path

from ansheng.risks import views

app_name = "risks"

urlpatterns = [
    path("", views.object_list, name="objects"),
    path("new/", views.object_create, name="object_create"),
    path("<int:pk>/", views.object_detail, name="object"),
    path("<int:pk>/edit/", views.object_edit, name="object_edit"),
    path("<int:pk>/units/new/", views.unit_add, name="unit_add"),
    path("<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("<int:pk>/card.pdf", views.object_card, name="object_card"),
    path("units/<int:unit_id>/events/new/", views.event_add, name="event_add"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/assess/", views.event_assess, name="event_assess"),
    path("events/<int:pk>/measures/new/", views.measure_add, name="measure_add"),
    path("posts/", views.post_list, name="posts"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/card.pdf", views.post_card, name="post_card"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/deactivate/", views.task_deactivate, name="task_deactivate"),
    path("mine/", views.my_tasks, name="mine"),
    path("photos/<int:pk>/", views.answer_photo, name="photo"),
    path("m/<str:token>/", views.mobile, name="mobile"),
    path("overview/", views.overview, name="overview"),
]
