from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("invite/", views.user_invite, name="user_invite"),
    path("<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("<int:pk>/invitation/", views.user_resend_invitation, name="user_resend_invitation"),
    path("<int:pk>/training/", views.user_training, name="user_training"),
]
