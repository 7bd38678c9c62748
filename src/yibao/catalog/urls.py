from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("lists/", views.catalog_list, name="catalog_list"),
    path("lists/<int:pk>/", views.catalog_detail, name="catalog_detail"),
    path("import/", views.catalog_import, name="import"),
    path("search/", views.search_page, name="search"),
    path("export/", views.export, name="export"),
]
