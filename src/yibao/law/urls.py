from django.urls import path

from . import views

app_name = "law"

urlpatterns = [
    path("", views.law_list, name="law_list"),
    path("<int:pk>/", views.law_detail, name="law_detail"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
]
