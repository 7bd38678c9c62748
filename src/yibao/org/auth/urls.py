from django.urls import path

from . import views

app_name = "org_auth"

urlpatterns = [
    path("", views.security, name="security"),
    path("password/", views.password_change, name="password_change"),
    path("2fa/setup/", views.setup, name="setup"),
    path("2fa/verify/", views.verify, name="verify"),
]
