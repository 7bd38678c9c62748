from django.urls import path

from . import views

app_name = "coercion"

urlpatterns = [
    path("", views.seal_list, name="seal_list"),
    path("new/", views.seal_create, name="seal_create"),
    path("<int:pk>/", views.seal_detail, name="seal_detail"),
    path("<int:pk>/act/<slug:action>/", views.seal_act, name="seal_act"),
]
