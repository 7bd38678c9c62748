from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("", views.bureau_list, name="bureau_list"),
    path("bureau/<int:pk>/", views.bureau_detail, name="bureau_detail"),
    path("officer/<int:pk>/", views.officer_detail, name="officer_detail"),
    path("officer/<int:pk>/reveal/", views.officer_reveal, name="officer_reveal"),
]
