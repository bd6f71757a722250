from django.urls import path

from accounts import failed_tasks

app_name = "tasks"

urlpatterns = [
    path("", failed_tasks.task_list, name="list"),
    path("<uuid:task_id>/retry/", failed_tasks.task_retry, name="retry"),
]
