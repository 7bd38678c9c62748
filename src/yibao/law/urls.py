from django.urls import path

from . import views

app_name = "law"

urlpatterns = [
    path("", views.law_list, name="law_list"),
    path("<int:pk>/", views.law_detail, name="law_detail"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("calculator/", views.calculator, name="calculator"),
    path("provisions/", views.provision_list, name="provision_list"),
    path("provisions/<slug:provision_id>/", views.provision_detail, name="provision_detail"),
]
